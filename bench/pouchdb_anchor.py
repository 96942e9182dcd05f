"""The anchor the sync benchmark is judged against: PouchDB replicating with pouchdb-server.

The same 5,000 findings (bench/sync_records.py), in the same Chromium, through IndexedDB
(PouchDB's own idb adapter), against a server on a loopback port: pouchdb-server 4.2 with
its LevelDB store in a temporary directory (durable, as Fieldbook's database is). The page
is served by pouchdb-server itself, so the replication is same-origin, like Fieldbook's.
Both packages are pinned in bench/pouchdb/package-lock.json (``make bench`` installs them).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import requests

from bench.common import ROOT
from bench.sync_records import FINDING_JS
from tests.live_server import free_port, wait_until_answering

PACKAGES = (
    ROOT / "bench" / "pouchdb" / "node_modules"
)  # bench/pouchdb/package.json, apart from the checks' tools
SERVER = PACKAGES / ".bin" / "pouchdb-server"
BROWSER_BUILD = PACKAGES / "pouchdb" / "dist" / "pouchdb.min.js"


@contextlib.contextmanager
def running_pouchdb_server():
    """pouchdb-server on a free loopback port, its data in a temporary directory."""
    if not SERVER.exists() or not BROWSER_BUILD.exists():
        raise SystemExit("PouchDB is not installed: run `make bench`, or `npm ci` in bench/pouchdb.")
    port = free_port()
    data = Path(tempfile.mkdtemp(prefix="fieldbook-pouchdb-"))
    process = subprocess.Popen(
        [str(SERVER), "--dir", str(data), "--host", "127.0.0.1", "--port", str(port), "--no-stdout-logs"],
        cwd=data,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base, process, timeout=30, name="pouchdb-server")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


# A local PouchDB holding the 5,000 findings (written before the clock starts), replicated
# to an empty database on the server: timed from the call until replication completes.
PUSH_JS = (
    "async ({local, remote, count}) => {"
    + FINDING_JS
    + """
  const db = new PouchDB(local);
  const docs = [];
  for (let i = 0; i < count; i += 1) docs.push({_id: crypto.randomUUID(), type: 'finding', ...finding(i, 'visit-1')});
  for (let i = 0; i < docs.length; i += 500) await db.bulkDocs(docs.slice(i, i + 500));
  const start = performance.now();
  const info = await db.replicate.to(remote);
  return {ms: performance.now() - start, written: info.docs_written, ok: info.ok};
}"""
)

# A fresh local PouchDB replicating the server's 5,000 documents: a phone's first pull.
PULL_JS = """async ({local, remote}) => {
  const db = new PouchDB(local);
  const start = performance.now();
  const info = await db.replicate.from(remote);
  const ms = performance.now() - start;
  return {ms, written: info.docs_written, held: (await db.info()).doc_count, ok: info.ok};
}"""


def measure_pouchdb(browser, base: str, repeat: int, count: int = 5000) -> dict[str, float]:
    """One push and one first pull of ``count`` findings with PouchDB: milliseconds of each."""
    context = browser.new_context(base_url=base)
    try:
        page = context.new_page()
        page.goto("/")  # pouchdb-server's welcome document: the page is same-origin with it
        page.add_script_tag(path=str(BROWSER_BUILD))
        remote = f"{base}/findings_{repeat}"
        requests.put(remote, timeout=10).raise_for_status()
        push = page.evaluate(PUSH_JS, {"local": f"phone_{repeat}", "remote": remote, "count": count})
        assert push["ok"] and push["written"] == count, push
        pull = page.evaluate(PULL_JS, {"local": f"fresh_phone_{repeat}", "remote": remote})
        assert pull["ok"] and pull["held"] == count, pull
        return {"push": push["ms"], "pull": pull["ms"]}
    finally:
        context.close()
