"""The app served on a loopback port in a thread, for tests that talk real HTTP to it."""

from __future__ import annotations

import socket
import threading

from werkzeug.serving import WSGIRequestHandler, make_server


class OneRequestPerConnection(WSGIRequestHandler):
    # No keep-alive: once the server stops, no open connection can still reach the app.
    protocol_version = "HTTP/1.0"

    def log_request(self, *args, **kwargs):
        pass


class LiveServer:
    """``app`` on 127.0.0.1 at a free port; start() and stop() may be called repeatedly."""

    def __init__(self, app, host: str = "127.0.0.1"):
        self.app = app
        with socket.socket() as probe:
            probe.bind((host, 0))
            self.port = probe.getsockname()[1]
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
