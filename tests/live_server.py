"""The app served on a loopback port, for tests (and benchmarks) that talk real HTTP to it:
in a thread (LiveServer), or as deployed, by gunicorn in a process of its own."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

import requests
from werkzeug.serving import WSGIRequestHandler, make_server

ROOT = Path(__file__).resolve().parents[1]


class OneRequestPerConnection(WSGIRequestHandler):
    # No keep-alive: once the server stops, no open connection can still reach the app.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """``app`` on 127.0.0.1 at a free port; start() and stop() may be called repeatedly."""

    def __init__(self, app, host: str = "127.0.0.1"):
        self.app = app
        self.port = free_port(host)
        self.host = host
        self.url = f"http://{host}:{self.port}"
        self._server = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self._server is None:
            self._server = make_server(
                self.host, self.port, self.app, threaded=True, request_handler=OneRequestPerConnection
            )
            self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=10)
            self._server = None


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on now (the OS's choice), for a server a test starts."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_gunicorn(
    env: Mapping[str, str],
    workers: int = 2,
    extra_args: Sequence[str] = (),
    output: IO[bytes] | int = subprocess.DEVNULL,
) -> tuple[subprocess.Popen, str]:
    """gunicorn serving wsgi.py at a free loopback port: the process and its base URL.

    It is not answering yet when this returns (see wait_until_answering); ``env`` carries its
    settings (DATABASE_URL and the like), ``extra_args`` go to gunicorn as they are, and its
    output goes to ``output``.
    """
    port = free_port()
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
        env=dict(env),
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return process, f"http://127.0.0.1:{port}"


def wait_until_answering(
    url: str, process: subprocess.Popen, timeout: float, name: str = "the server"
) -> None:
    """Return once ``url`` answers at all; RuntimeError if ``process`` ends or ``timeout`` seconds pass.

    A server started in a process of its own takes a moment (on a busy machine, many) before
    it accepts connections; asking until it answers is the only sure sign it is ready.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            requests.get(url, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} stopped while starting (exit code {process.returncode})"
                ) from None
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {timeout:g} s") from None
            time.sleep(0.1)
