"""Access logs carry no client search terms: gunicorn's (as the Makefile runs it) and werkzeug's."""

import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from webapp.audit.access_log import redact_line, redact_query

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    "given, logged",
    [
        ("q=Alex+Morgan&page=2", "q=redacted&page=2"),
        ("morgan", "redacted"),
        ("next=%2Fclients%2F%3Fq%3DMorgan", "next=redacted"),
        ("date=2026-11-30&practitioner=8c0e&subject=1f2e", "date=2026-11-30&practitioner=8c0e&subject=1f2e"),
        ("", ""),
    ],
)
def test_query_values_are_redacted_but_page_numbers_dates_and_ids(given, logged):
    assert redact_query(given) == logged


def test_request_lines_and_referers_lose_their_search_terms():
    assert redact_line("GET /clients/?q=Morgan HTTP/1.1") == "GET /clients/?q=redacted HTTP/1.1"
    assert (
        redact_line("https://desk.example/clients/?q=Morgan#top")
        == "https://desk.example/clients/?q=redacted"
    )
    assert redact_line("GET /clients/ HTTP/1.1") == "GET /clients/ HTTP/1.1"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, referer: str) -> None:
    request = urllib.request.Request(url, headers={"Referer": referer})
    try:
        # Generous: a first request on a loaded machine may wait on the app's start; this test
        # is about what gets logged, not how fast.
        urllib.request.urlopen(request, timeout=60).read()
    except urllib.error.HTTPError:
        pass


def test_gunicorn_as_the_makefile_serves_logs_no_search_terms(tmp_path):
    serve = re.search(r"^serve:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1)
    logger_class = re.search(r"--logger-class (\S+)", serve).group(1)
    assert "--access-logfile -" in serve
    port = _free_port()
    env = {
        **os.environ,
        "FIELDBOOK_INSTANCE": str(tmp_path / "instance"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'log.sqlite3'}",
        "SECRET_KEY": "log-test",
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-",
            "--logger-class",
            logger_class,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, "gunicorn did not start"
                time.sleep(0.2)
        _get(
            f"http://127.0.0.1:{port}/clients/?q=Bea+Lund&page=2",
            f"http://127.0.0.1:{port}/clients/?q=Alex+Morgan",
        )
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    line = next(line for line in output.splitlines() if "GET /clients/" in line)
    assert "/clients/?q=redacted&page=2" in line and "/clients/?q=redacted" in line
    assert "Lund" not in output and "Morgan" not in output


def test_the_development_server_logs_no_search_terms(app, caplog):
    server = make_server("127.0.0.1", _free_port(), app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            _get(f"http://127.0.0.1:{server.server_port}/clients/?q=Bea+Lund", "http://x/")
    finally:
        server.shutdown()
        thread.join(timeout=5)
    logged = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("/clients/?q=redacted" in message for message in logged), logged
    assert not any("Lund" in message for message in logged)
