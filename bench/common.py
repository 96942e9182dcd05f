"""Shared pieces of the benchmarks: a database per run, and a real gunicorn server."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.live_server import start_gunicorn, wait_until_answering

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORK = Path(tempfile.gettempdir()) / "fieldbook-bench"


def database_url(kind: str, name: str, keep: bool = False) -> str:
    """The run's database; a SQLite file of that name is emptied unless ``keep`` is set."""
    if kind == "postgresql":
        return POSTGRES
    WORK.mkdir(exist_ok=True)
    path = WORK / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm") if not keep else ():
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


@contextlib.contextmanager
def running_server(url: str, workers: int = 2, extra_args: Sequence[str] = (), log: Path | None = None):
    """gunicorn serving the app on a free loopback port, for the length of the block.

    ``extra_args`` go to gunicorn as they are; its output goes to ``log`` (else nowhere).
    """
    env = dict(os.environ, DATABASE_URL=url, FIELDBOOK_INSTANCE=str(WORK / "instance"))
    with open(log, "ab") if log else contextlib.nullcontext(subprocess.DEVNULL) as output:
        process, base = start_gunicorn(env, workers, extra_args, output)
        try:
            wait_until_answering(f"{base}/login", process, timeout=20)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)


PIN = "482916"


def set_pin(page) -> None:
    """A new phone asks for the PIN that locks its data: choose one."""
    page.wait_for_selector("#lock-setup", timeout=60_000)
    page.fill("#new-pin", PIN)
    page.fill("#new-pin-again", PIN)
    page.click("#lock-setup button[type=submit]")
