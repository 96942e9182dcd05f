"""Push and first pull of 5,000 records, end to end, through the phone app in Chromium.

Targets (issue 3): pushing 5,000 findings from a device to the server in at most 1.3 s;
a first full pull of a 5,000-record caseload into a fresh device in at most 1.2 s.
Both are timed inside the page around the app's own ``syncNow()`` (IndexedDB reads and
writes, the outbox, JSON, HTTP to a real gunicorn server, the server's transaction).

    .venv/bin/python bench/browser_sync.py [--database postgresql]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, make_app, running_server, set_pin  # noqa: E402

PUSH_TARGET_MS, PULL_TARGET_MS = 1300, 1200
PASSWORD = "benchmark password"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def setup(app) -> dict:
    from tests import factories
    from webapp.auth.models import Role
    from webapp.extensions import db

    with app.app_context():
        clinic = factories.make_clinic()
        pusher = factories.make_user(clinic, Role.PRACTITIONER, email="pusher@bench.example")
        puller = factories.make_user(clinic, Role.PRACTITIONER, email="puller@bench.example")
        for user in (pusher, puller):
            user.set_password(PASSWORD)
        visit = factories.make_visit(factories.make_client(clinic, pusher))
        # The puller's caseload: 50 clients, 100 visits and 4,900 findings: 5,050 records.
        for _ in range(50):
            client = factories.make_client(clinic, puller)
            for number in (1, 2):
                v = factories.make_visit(client, number=number)
                for n in range(49):
                    factories.make_finding(v, "calf", "left" if n % 2 else "right", note=f"finding {n}")
        db.session.commit()
        return {"visit": str(visit.id)}


def sign_in(browser, base: str, email: str):
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login?next=/app/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/app/**")
    set_pin(page)
    # Ready when the service worker controls the page and the first sync has finished.
    page.wait_for_function(
        """async () => {
        const sync = await import('/static/js/sync.js');
        const db = await import('/static/js/db.js');
        return Boolean(navigator.serviceWorker.controller && sync.syncState().lastSync && await db.getMeta('device'));
    }""",
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")
    return context, page


CREATE_JS = """async ({visit, count}) => {
  const db = await import('/static/js/db.js');
  const made = [];
  for (let i = 0; i < count; i += 1) {
    made.push(db.saveChange({entity: 'finding', id: crypto.randomUUID(), changeId: crypto.randomUUID(),
      fields: {visit_id: visit, region: 'calf', side: i % 2 ? 'left' : 'right', tension_found: true,
               released: true, note: 'finding ' + i}}));
    if (made.length === 250) { await Promise.all(made); made.length = 0; }
  }
  await Promise.all(made);
  return (await db.counts()).waiting;
}"""

# Timed from the moment the server is reachable again until the outbox is empty.
PUSH_JS = """async () => {
  const db = await import('/static/js/db.js');
  const sync = await import('/static/js/sync.js');
  const start = performance.now();
  await sync.syncNow();
  for (let i = 0; i < 20 && (await db.counts()).waiting > 0; i += 1) await sync.syncNow();
  return {ms: performance.now() - start, left: (await db.counts()).waiting, problem: sync.syncState().problem};
}"""

PULL_JS = """async () => {
  const db = await import('/static/js/db.js');
  const sync = await import('/static/js/sync.js');
  await sync.syncNow();                   // let any sync the app started settle first
  const device = await db.getMeta('device');
  await db.wipe();                        // a fresh device: no records, no cursor ...
  await db.setMeta('device', device);     // ... but still registered
  const start = performance.now();
  await sync.syncNow();
  const ms = performance.now() - start;
  let held = 0;
  for (const entity of db.ENTITIES) held += (await db.listRecords(entity)).length;
  return {ms, held, problem: sync.syncState().problem};
}"""


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    url = database_url(args.database, "browser_sync")
    app = make_app(url, fresh=True)
    ids = setup(app)
    pushes, pulls = [], []
    with running_server(url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(args.repeats):
            context, page = sign_in(browser, base, "pusher@bench.example")
            # Record with the server out of reach, as on a home visit ...
            page.route("**/api/v1/sync/**", lambda route: route.abort("internetdisconnected"))
            assert page.evaluate(CREATE_JS, {"visit": ids["visit"], "count": 5000}) == 5000
            page.unroute("**/api/v1/sync/**")
            result = page.evaluate(PUSH_JS)  # ... then time the push once it is back
            assert result["problem"] is None and result["left"] == 0, result
            pushes.append(result["ms"])
            context.close()
            context, page = sign_in(browser, base, "puller@bench.example")
            result = page.evaluate(PULL_JS)
            assert result["held"] >= 5000, result
            pulls.append(result["ms"])
            context.close()
        browser.close()
    push_ms, pull_ms = statistics.median(pushes), statistics.median(pulls)
    print(
        f"push of 5,000 findings, device to server ({args.database}): median {push_ms:.0f} ms of "
        f"{[round(p) for p in pushes]}  target {PUSH_TARGET_MS} ms: {'meets' if push_ms <= PUSH_TARGET_MS else 'MISSES'}"
    )
    print(
        f"first pull of a 5,000-record caseload ({args.database}): median {pull_ms:.0f} ms of "
        f"{[round(p) for p in pulls]}  target {PULL_TARGET_MS} ms: {'meets' if pull_ms <= PULL_TARGET_MS else 'MISSES'}"
    )
    return 0 if push_ms <= PUSH_TARGET_MS and pull_ms <= PULL_TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
