"""axe-core, the accessibility engine, run in the page under test (the tests' copy only).

axe-core is pinned through npm (package-lock.json) and installed into node_modules by make
lint's npm ci; it is never served to a phone. It is evaluated through the browser's debugging
channel, which the page's Content-Security-Policy does not govern, so the app's policy stays
as strict as it ships.
"""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 at levels A and AA, the rules axe tags for each version up to it.
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | '));
}"""


def violations(page) -> list[str]:
    """What axe finds wrong at WCAG 2.2 AA on ``page`` as it stands, one line per rule broken."""
    assert AXE.is_file(), "axe-core is needed: make typecheck-js (npm ci) installs it"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate(RUN, WCAG_22_AA)
