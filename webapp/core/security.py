"""Security headers on every response, and cookies that are Secure over HTTPS."""

from __future__ import annotations

from flask import Flask, Response, request
from flask.sessions import SecureCookieSessionInterface

from webapp.errors import error_response

# No inline script or style anywhere: data reaches scripts through data- attributes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecureWhenHttps(SecureCookieSessionInterface):
    """Mark the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = super().get_cookie_secure(app)
        try:
            return configured or request.is_secure
        except RuntimeError:  # outside a request
            return configured


# Scripts, styles, images and fonts a page loads: the policies that govern a document are
# taken from the document (or, for a worker, from the worker's own script), never from
# these, so they are not repeated on each (about 330 bytes on each of the app's files).
SUBRESOURCE_TYPES = ("text/javascript", "application/javascript", "text/css", "image/", "font/")
WORKER_SCRIPTS = ("/sw.js",)


def _is_subresource(response: Response) -> bool:
    # A response may carry no Content-Type at all (a bare 204): that is no subresource either.
    mimetype = response.mimetype or ""
    return mimetype.startswith(SUBRESOURCE_TYPES) and request.path not in WORKER_SCRIPTS


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if not _is_subresource(response):
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    # Pages with client data must not linger in shared caches or the back-forward cache.
    if response.mimetype in ("text/html", "application/json") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_characters() -> tuple[Response | str, int] | None:
    """A NUL in a form field or the query string is refused before anything reads it.

    No person types one, PostgreSQL cannot store one in text, and letting it reach a query
    turns a bad request into a server error. JSON bodies are checked field by field by the
    schemas (fieldspec), so that one bad change in a push does not refuse the whole batch.
    """
    sources = [request.args] + ([request.form] if request.mimetype in FORM_TYPES else [])
    for source in sources:
        if any("\x00" in key or "\x00" in value for key, value in source.items(multi=True)):
            return error_response(
                400, "The request contains a character that cannot be stored (NUL).", code="invalid_request"
            )
    return None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def init_security(app: Flask) -> None:
    app.session_interface = SecureWhenHttps()
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
