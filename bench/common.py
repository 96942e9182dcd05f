"""Shared pieces of the benchmarks: a database per run, and a real gunicorn server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORK = Path(tempfile.gettempdir()) / "fieldbook-bench"


def database_url(kind: str, name: str) -> str:
    if kind == "postgresql":
        return POSTGRES
    WORK.mkdir(exist_ok=True)
    path = WORK / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def make_app(url: str, fresh: bool = True):
    """An app on ``url`` with an empty schema (PostgreSQL: the public schema is rebuilt)."""
    os.environ["FIELDBOOK_INSTANCE"] = str(WORK / "instance")
    from webapp import create_app
    from webapp.extensions import db

    if fresh and url.startswith("postgresql"):
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
    return app


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(url: str, workers: int = 2, extra_args: Sequence[str] = (), log: Path | None = None):
    """gunicorn serving the app on a free loopback port, for the length of the block.

    ``extra_args`` go to gunicorn as they are; its output goes to ``log`` (else nowhere).
    """
    port = _free_port()
    env = dict(os.environ, DATABASE_URL=url, FIELDBOOK_INSTANCE=str(WORK / "instance"))
    log_file = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            *extra_args,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{base}/login", timeout=5)
                break
            except (requests.ConnectionError, requests.Timeout):
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)
        if log:
            log_file.close()


PIN = "482916"


def set_pin(page) -> None:
    """A new phone asks for the PIN that locks its data: choose one."""
    page.wait_for_selector("#lock-setup", timeout=60_000)
    page.fill("#new-pin", PIN)
    page.fill("#new-pin-again", PIN)
    page.click("#lock-setup button[type=submit]")
