// Types for the type check only (tsconfig.sw.json); the browser never loads this file.
// sw.js and sw/strategies.js are classic scripts that only ever run as the service worker,
// but TypeScript's WebWorker library types `self` as any worker. It cannot be redeclared,
// so the service worker's own members and events are merged into the worker scope here.

/** What the server writes above sw.js (webapp/pwa/shell.py): the shell's files and version. */
interface FieldbookShell {
  version: string;
  scope: string;
  shell: string;
  assets: { url: string; revision: string }[];
}

/** Background Sync's event (not yet in TypeScript's library). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
  readonly lastChance: boolean;
}

interface WorkerGlobalScope {
  FIELDBOOK_SHELL: FieldbookShell;
  readonly clients: Clients;
  readonly registration: ServiceWorkerRegistration;
  skipWaiting(): Promise<void>;
  // 'message' is not in the event map below: the dedicated worker's map, which the library
  // also declares, gives it another type.
  addEventListener(type: 'message', listener: (this: WorkerGlobalScope, event: ExtendableMessageEvent) => unknown): void;
}

interface WorkerGlobalScopeEventMap {
  activate: ExtendableEvent;
  fetch: FetchEvent;
  install: ExtendableEvent;
  notificationclick: NotificationEvent;
  push: PushEvent;
  sync: SyncEvent;
}
