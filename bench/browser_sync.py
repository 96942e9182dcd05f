"""Push and first pull of 5,000 records, end to end, through the phone app in Chromium.

Targets (issue 13): pushing 5,000 realistic findings (about 0.6 KB each: bench/sync_records.py)
from a device to the server in at most 0.5 s; a first full pull of a 5,000-record caseload
of such findings into a fresh device in at most 0.5 s; and each at least 6.5 times as fast
as PouchDB replicating the same findings with pouchdb-server, measured in the same run
(bench/pouchdb_anchor.py). Fieldbook's figures are timed inside the page around the app's
own ``syncNow()`` (IndexedDB reads and writes, sealing, the outbox, JSON, HTTP to a real
gunicorn server, the server's transaction). ``--limits`` also measures the floor under
them piece by piece (bench/sync_limits.py).

    .venv/bin/python bench/browser_sync.py [--database postgresql] [--limits] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import PIN, database_url, make_app, running_server, set_pin  # noqa: E402
from bench.pouchdb_anchor import measure_pouchdb, running_pouchdb_server  # noqa: E402
from bench.sync_limits import browser_limits, server_limits  # noqa: E402
from bench.sync_records import FINDING_JS, finding_fields  # noqa: E402
from tests.e2e.engines import CHROMIUM_ARGS  # noqa: E402

PUSH_TARGET_MS, PULL_TARGET_MS = 500, 500
POUCHDB_RATIO = 6.5  # at least this many times as fast as PouchDB, in the same run
PASSWORD = "benchmark password"


def setup(app, repeats: int) -> list[str]:
    """A pusher per repeat, each with one client and visit (so every push starts alike), and
    the puller with a caseload of 5,050 records; the pushers' visits."""
    from tests import factories
    from webapp.auth.models import Role
    from webapp.extensions import db

    with app.app_context():
        clinic = factories.make_clinic()
        visits = []
        for repeat in range(repeats):
            pusher = factories.make_user(clinic, Role.PRACTITIONER, email=f"pusher{repeat}@bench.example")
            pusher.set_password(PASSWORD)
            visits.append(str(factories.make_visit(factories.make_client(clinic, pusher)).id))
        puller = factories.make_user(clinic, Role.PRACTITIONER, email="puller@bench.example")
        puller.set_password(PASSWORD)
        # The puller's caseload: 50 clients, 100 visits and 4,900 findings: 5,050 records.
        for _ in range(50):
            client = factories.make_client(clinic, puller)
            for number in (1, 2):
                v = factories.make_visit(client, number=number)
                for n in range(49):
                    factories.make_finding(v, **finding_fields(number * 49 + n))
        db.session.commit()
        return visits


def sign_in(browser, base: str, email: str):
    context = browser.new_context(base_url=base)
    page = context.new_page()
    page.goto("/login?next=/app/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/app/**")
    set_pin(page)
    # The app may start again on its lock screen once the PIN is set: unlock it, as the tests do.
    page.wait_for_selector("body[data-ready=true], #unlock-form", timeout=60_000)
    if page.locator("#unlock-form").count():
        page.fill("#unlock-form input[type=password]", PIN)
        page.locator("#unlock-form button[type=submit]").first.click()
    page.wait_for_selector("body[data-ready=true]", timeout=60_000)
    # Ready when the page is unlocked, the service worker controls it and the first sync has finished.
    page.wait_for_function(
        """async () => {
        const sync = await import('/static/js/sync.js');
        const db = await import('/static/js/db.js');
        const keyring = await import('/static/js/keyring.js');
        return Boolean(keyring.isUnlocked() && navigator.serviceWorker.controller && sync.syncState().lastSync
          && await db.getMeta('device'));
    }""",
        timeout=60_000,
    )
    page.wait_for_load_state("networkidle")
    return context, page


CREATE_JS = (
    "async ({visit, count}) => {"
    + FINDING_JS
    + """
  const db = await import('/static/js/db.js');
  const made = [];
  for (let i = 0; i < count; i += 1) {
    made.push(db.saveChange({entity: 'finding', id: crypto.randomUUID(), changeId: crypto.randomUUID(),
      fields: finding(i, visit)}));
    if (made.length === 250) { await Promise.all(made); made.length = 0; }
  }
  await Promise.all(made);
  return (await db.counts()).waiting;
}"""
)

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


def measure_fieldbook(browser, base: str, visit: str, repeat: int) -> dict[str, float]:
    """One push of 5,000 new findings and one first pull of the puller's caseload: milliseconds."""
    context, page = sign_in(browser, base, f"pusher{repeat}@bench.example")
    # Record with the server out of reach, as on a home visit ...
    page.route("**/api/v1/sync/**", lambda route: route.abort("internetdisconnected"))
    made = page.evaluate(CREATE_JS, {"visit": visit, "count": 5000})
    assert made == 5000, made
    page.unroute("**/api/v1/sync/**")
    result = page.evaluate(PUSH_JS)  # ... then time the push once it is back
    assert result["problem"] is None and result["left"] == 0, result
    context.close()
    push_ms = result["ms"]
    context, page = sign_in(browser, base, "puller@bench.example")
    result = page.evaluate(PULL_JS)
    assert result["problem"] is None and result["held"] >= 5000, result
    context.close()
    return {"push": push_ms, "pull": result["ms"]}


def report(name: str, runs: list[float], target: float, anchor: list[float]) -> bool:
    """Print one figure beside its target and PouchDB's; whether it meets both."""
    ms, pouch = statistics.median(runs), statistics.median(anchor)
    ratio = pouch / ms
    meets = ms <= target and ratio >= POUCHDB_RATIO
    print(
        f"{name}: median {ms:.0f} ms of {[round(r) for r in runs]}, target {target} ms; "
        f"PouchDB median {pouch:.0f} ms of {[round(r) for r in anchor]}: {ratio:.1f}x, target {POUCHDB_RATIO}x: "
        f"{'meets' if meets else 'MISSES'}"
    )
    return meets


def print_limits(limits: dict[str, float]) -> None:
    print("the floor under them, piece by piece (medians, ms):")
    for name, value in limits.items():
        unit = "bytes" if name.endswith("bytes") else "ms"
        print(f"  {name:<26} {value:>10.0f} {unit}")


def main() -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--limits", action="store_true", help="also measure the floor, piece by piece")
    args = parser.parse_args()
    url = database_url(args.database, "browser_sync")
    app = make_app(url, fresh=True)
    visits = setup(app, args.repeats)
    limits = server_limits(app, "puller@bench.example") if args.limits else {}
    fieldbook: dict[str, list[float]] = {"push": [], "pull": []}
    pouchdb: dict[str, list[float]] = {"push": [], "pull": []}
    with (
        running_server(url) as base,
        running_pouchdb_server() as pouch_base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        if args.limits:
            context, page = sign_in(browser, base, "puller@bench.example")
            limits = browser_limits(browser, page, visits[0], int(limits["pull_bytes"])) | limits
            context.close()
            print_limits(limits)
        # Alternated, so that both feel the same load on the machine.
        for repeat in range(args.repeats):
            for name, ms in measure_fieldbook(browser, base, visits[repeat], repeat).items():
                fieldbook[name].append(ms)
            for name, ms in measure_pouchdb(browser, pouch_base, repeat).items():
                pouchdb[name].append(ms)
        browser.close()
    kind = args.database
    push_ok = report(
        f"push of 5,000 findings, device to server ({kind})",
        fieldbook["push"],
        PUSH_TARGET_MS,
        pouchdb["push"],
    )
    pull_ok = report(
        f"first pull of a 5,000-record caseload ({kind})", fieldbook["pull"], PULL_TARGET_MS, pouchdb["pull"]
    )
    return 0 if push_ok and pull_ok else 1


if __name__ == "__main__":
    sys.exit(main())
