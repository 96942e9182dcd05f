"""A local push service on 127.0.0.1 that checks what the sender sends as a browser vendor's would.

It verifies the VAPID token (RFC 8292: an ES256 JWT signed with the clinic's key, for this
origin, not expired, with a contact ``sub``) and decrypts the aes128gcm body (RFC 8291) with
the private key and auth secret of a subscription the test made, exactly as the browser
would. A test can script its answers per subscription: 201, 404, 410, 429, 500...
Used by tests/reminders (the sender) and tests/e2e (the whole chain, from the browser).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    """One message the service accepted for delivery, decrypted."""

    token: str
    payload: dict
    ttl: int
    urgency: str | None
    claims: dict


@dataclass
class Receiver:
    """A browser's side of a subscription: the keys only it holds."""

    token: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    endpoint: str

    def subscription_json(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }


@dataclass
class PushService:
    vapid_public_key: str
    subject: str
    port: int = 0
    receivers: dict[str, Receiver] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)  # every token POSTed to, whatever the answer
    problems: list[str] = field(default_factory=list)
    scripts: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def new_receiver(self) -> Receiver:
        token = uuid.uuid4().hex
        receiver = Receiver(
            token, ec.generate_private_key(ec.SECP256R1()), os.urandom(16), f"{self.origin}/push/{token}"
        )
        self.receivers[token] = receiver
        return receiver

    def answer(self, receiver: Receiver, *statuses: int) -> None:
        """Answer the next requests for ``receiver`` with these statuses (then 201)."""
        self.scripts[receiver.token] = list(statuses)

    def payloads(self, receiver: Receiver | None = None) -> list[dict]:
        return [r.payload for r in self.received if receiver is None or r.token == receiver.token]

    def check_vapid(self, authorization: str) -> dict:
        scheme, _, params = authorization.partition(" ")
        assert scheme == "vapid", f"Authorization scheme {scheme!r}"
        parts = dict(p.strip().split("=", 1) for p in params.split(","))
        assert parts["k"] == self.vapid_public_key, "signed with a key other than the clinic's"
        header, claims, signature = parts["t"].split(".")
        assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
        raw = unb64url(signature)
        assert len(raw) == 64
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        try:
            public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            raise AssertionError("the VAPID signature does not verify") from None
        decoded = json.loads(unb64url(claims))
        assert decoded["aud"] == self.origin, f"aud {decoded['aud']!r}"
        assert time.time() < decoded["exp"] <= time.time() + 24 * 3600, "exp not within the next 24 h"
        assert decoded["sub"] == self.subject
        return decoded

    def handle(self, path: str, headers, body: bytes) -> int:
        token = path.rsplit("/", 1)[-1]
        with self.lock:
            self.requests.append(token)
            script = self.scripts.get(token)
            status = script.pop(0) if script else 201
        receiver = self.receivers.get(token)
        if receiver is None:
            return 404
        claims = self.check_vapid(headers["Authorization"])
        assert headers["Content-Encoding"] == "aes128gcm"
        plain = http_ece.decrypt(
            body, private_key=receiver.private_key, auth_secret=receiver.auth_secret, version="aes128gcm"
        )
        if status in (200, 201, 202):
            with self.lock:
                self.received.append(
                    Received(token, json.loads(plain), int(headers["TTL"]), headers.get("Urgency"), claims)
                )
        return status


def _handler(service: PushService):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (the http.server API)
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                status = service.handle(self.path, self.headers, body)
            except Exception as problem:  # the test fails on any of these
                service.problems.append(f"{type(problem).__name__}: {problem}")
                status = 400
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "120")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@contextmanager
def running_push_service(vapid_public_key: str, subject: str) -> Iterator[PushService]:
    """The service on a free loopback port for the length of the block."""
    service = PushService(vapid_public_key, subject)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
