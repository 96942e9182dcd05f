"""One way to report an error: a page for people, one JSON envelope for API clients."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from webapp.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood. Please go back and try again.",
    401: "Please sign in.",
    403: "You do not have access to this page.",
    404: "There is nothing here, or you do not have access to it.",
    405: "That action is not available here.",
    413: "What was sent is too large.",
    429: "Too many attempts. Please wait a few minutes and try again.",
    500: "Something went wrong on our side. Nothing you entered has been lost; please try again.",
}


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int, message: str | None = None, code: str | None = None, **extra: object
) -> tuple[Response | str, int]:
    """Answer with ``status``: the JSON envelope for API clients, a page for people."""
    message = message or MESSAGES.get(status, "Something went wrong.")
    code = code or {
        400: "bad_request",
        401: "unauthenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        413: "too_large",
        429: "rate_limited",
        500: "server_error",
    }.get(status, "error")
    if wants_json():
        body = {"ok": False, "error": {"code": code, "message": message, **extra}}
        return jsonify(body), status
    return render_template("errors/error.html", status=status, message=message), status


def register_errorhandlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(error):
        return error_response(
            400,
            "Your form expired or was sent from elsewhere. Please reload the page and try again.",
            code="csrf_failed",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        body, status = error_response(error.code or 500)
        response = app.make_response((body, status))
        # Keep what the exception says beyond its page: a 405's Allow header (RFC 9110),
        # a 429's Retry-After.
        for name, value in error.get_headers():
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)
