"""What 5,000 findings cost at the least, piece by piece: the floor under push and pull.

``browser_sync.py --limits`` prints these beside the end-to-end figures, so that where the
time goes is measured, not guessed:
- in the page: IndexedDB writes of the 5,000 records in one transaction (raw, and sealed as
  the app seals them), the sealing itself (AES-GCM, as seal.js does it), JSON encoding and
  decoding of the push's body, and one loopback request carrying that body to a server that
  only reads it and answers with as many bytes as a pull's answer;
- on the server: the push's whole transaction for 5,000 new findings (reading the body,
  applying, committing) and the bulk inserts alone under it; a first pull's page of 5,000
  records, read and encoded.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.sync_records import FINDING_JS, finding_fields


class _Echo(BaseHTTPRequestHandler):
    """Reads the whole body; answers with ``reply`` bytes (the size of a pull's answer)."""

    reply = b"{}"

    def do_GET(self) -> None:  # a blank page of this origin: the app's page may not reach another
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.reply)))
        self.end_headers()
        self.wfile.write(self.reply)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def echo_server(reply: bytes):
    _Echo.reply = reply
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


BROWSER_JS = (
    "async ({visit, repeats}) => {"
    + FINDING_JS
    + """
  const seal = await import('/static/js/seal.js');
  const { openDB } = await import('/static/vendor/idb/index.js');
  const records = [];
  const changes = [];
  for (let i = 0; i < 5000; i += 1) {
    const id = crypto.randomUUID();
    const fields = finding(i, visit);
    records.push({id, version: 0, deleted: false, client_id: crypto.randomUUID(), ...fields});
    changes.push({change_id: crypto.randomUUID(), entity: 'finding', id, op: 'upsert', base_version: 0, fields});
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const time = async (work) => { const start = performance.now(); await work(); return performance.now() - start; };
  const scratch = await openDB('bench-limits', 1, { upgrade(db) {
    const store = db.createObjectStore('finding', { keyPath: 'id' });
    store.createIndex('client_id', 'client_id');
    store.createIndex('visit_id', 'visit_id');
  } });
  const writeAll = async (rows) => {
    const tx = scratch.transaction('finding', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('finding');
    await store.clear();
    for (const row of rows) store.put(row);
    await tx.done;
  };
  // The same sealed records packed 50 to a row, as a session's findings could be stored: what
  // writing fewer, larger rows would cost (see bench/README.md, "Sync at the limit").
  const packed = (rows) => Array.from({ length: Math.ceil(rows.length / 50) }, (_, i) => {
    const pack = rows.slice(i * 50, i * 50 + 50);
    return { id: `pack-${i}`, client_id: pack[0].client_id, visit_id: pack[0].visit_id, rows: pack };
  });
  const out = { raw_write: [], seal: [], sealed_write: [], packed_write: [], open: [], encode: [], decode: [],
    body_bytes: 0 };
  for (let r = 0; r < repeats; r += 1) {
    out.raw_write.push(await time(() => writeAll(records)));
    let sealed;
    out.seal.push(await time(async () => { sealed = await seal.sealRows('finding', records); }));
    out.sealed_write.push(await time(() => writeAll(sealed)));
    out.packed_write.push(await time(() => writeAll(packed(sealed))));
    out.open.push(await time(() => seal.openRows('finding', sealed)));
    let body;
    out.encode.push(await time(() => { body = JSON.stringify({ pending: 5000, changes }); }));
    out.body_bytes = body.length;
    out.decode.push(await time(() => JSON.parse(body)));
  }
  scratch.close();
  await new Promise((done) => { const gone = indexedDB.deleteDatabase('bench-limits'); gone.onsuccess = gone.onerror = done; });
  const result = { body_bytes: out.body_bytes };
  for (const [name, xs] of Object.entries(out)) if (Array.isArray(xs)) result[name] = median(xs);
  return result;
}"""
)


# One loopback request with the push's body, answered with a body the size of a pull's.
REQUEST_JS = """async ({size, repeats}) => {
  const body = 'x'.repeat(size);
  const times = [];
  for (let r = 0; r < repeats; r += 1) {
    const start = performance.now();
    const answer = await fetch('/echo', { method: 'POST', body, headers: { 'Content-Type': 'application/json' } });
    await answer.arrayBuffer();
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}"""


def browser_limits(browser, page, visit: str, pull_bytes: int, repeats: int = 3) -> dict[str, float]:
    """The page's floor: milliseconds of each piece (and the push body's size in bytes)."""
    found = page.evaluate(BROWSER_JS, {"visit": visit, "repeats": repeats})
    with echo_server(b"x" * pull_bytes) as echo:
        context = browser.new_context(base_url=echo)
        try:
            blank = context.new_page()
            blank.goto("/")
            found["loopback_request"] = blank.evaluate(
                REQUEST_JS, {"size": found["body_bytes"], "repeats": repeats}
            )
        finally:
            context.close()
    return found


def _median_ms(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def server_limits(app, puller_email: str, repeats: int = 3) -> dict[str, float]:
    """The server's floor, in process (no HTTP): milliseconds of each piece.

    Its pushes go to a practitioner of its own, so they add nothing to the caseloads the
    end-to-end runs sync.
    """
    from sqlalchemy import select

    from tests import factories
    from webapp.auth.models import Role, User
    from webapp.db import insert_rows, table_of
    from webapp.extensions import db
    from webapp.sync.changes import parse_changes
    from webapp.sync.models import ChangeLog
    from webapp.sync.pull import pull
    from webapp.sync.push import push
    from webapp.visits.models import Finding

    out: dict[str, float] = {}
    with app.app_context():
        puller = db.session.scalars(select(User).where(User.email == puller_email)).one()
        pusher = factories.make_user(puller.clinic, Role.PRACTITIONER, email="limits@bench.example")
        visit = factories.make_visit(factories.make_client(pusher.clinic, pusher))
        db.session.commit()

        fields = [finding_fields(i) for i in range(5000)]  # made once: only the ids are new each time

        def body() -> dict[str, object]:
            return {
                "pending": 5000,
                "changes": [
                    {
                        "change_id": str(uuid.uuid4()),
                        "entity": "finding",
                        "id": str(uuid.uuid4()),
                        "op": "upsert",
                        "base_version": 0,
                        "fields": {"visit_id": str(visit.id), **fields[i]},
                    }
                    for i in range(5000)
                ],
            }

        raw = json.dumps(body()).encode()
        out["server_json_decode"] = _median_ms(lambda: json.loads(raw), repeats)
        out["server_read_body"] = _median_ms(lambda: parse_changes(json.loads(raw)), repeats)

        def whole_push() -> None:
            changes, _ = parse_changes(json.loads(raw_bodies.pop()))
            results = push(db.session(), pusher, None, changes)
            json.dumps(results)
            db.session.commit()

        raw_bodies = [json.dumps(body()) for _ in range(repeats)]  # new change ids each time
        out["server_push_transaction"] = _median_ms(whole_push, repeats)

        def bulk_only() -> None:
            rows = [
                {"id": uuid.uuid4(), "visit_id": visit.id, "client_id": visit.client_id, **fields[i]}
                for i in range(5000)
            ]
            insert_rows(db.session(), table_of(Finding), rows)
            log = [
                {
                    "tick": 1,
                    "txid": 0,
                    "kind": "upsert",
                    "entity": "finding",
                    "entity_id": row["id"],
                    "clinic_id": pusher.clinic_id,
                    "client_id": visit.client_id,
                    "practitioner_id": pusher.id,
                    "device_id": None,
                }
                for row in rows
            ]
            insert_rows(db.session(), table_of(ChangeLog), log)
            db.session.commit()

        out["server_bulk_inserts"] = _median_ms(bulk_only, repeats)

        def first_pull() -> None:
            json.dumps(pull(db.session(), puller, None, 5000, paged=True))
            db.session.rollback()

        out["server_first_pull"] = _median_ms(first_pull, repeats)
        answer = json.dumps(pull(db.session(), puller, None, 5000, paged=True)).encode()
        db.session.rollback()
        out["pull_bytes"] = len(answer)
    return out
