// Types for the type check only (tsconfig.json); the browser never loads this file. What the
// page's code uses that TypeScript's DOM library does not declare (yet).

interface Navigator {
  /** Safari on iOS and iPadOS only: true when opened from the Home Screen. */
  readonly standalone?: boolean;
  /** User-Agent Client Hints (Chromium only). */
  readonly userAgentData?: { readonly platform: string };
}

interface ServiceWorkerRegistration {
  /** Background Sync (Chromium only). */
  readonly sync?: { register(tag: string): Promise<void> };
}

interface Window {
  /** uPlot's global, once ui/progress.js has loaded vendor/uplot/uPlot.iife.min.js. */
  uPlot?: new (options: object, data: unknown[], target: HTMLElement) => UPlotChart;
}

/** What ui/progress.js uses of a uPlot chart. */
interface UPlotChart {
  setSize(size: { width: number; height: number }): void;
  destroy(): void;
}
