"""What every JSON call of the API shares: one envelope, one error, and who may call.

- ``ok(**body)``: the success envelope (``api_version``, ``rules_revision``, ``server_time``).
- ``ApiError(status, code, message)``: raised anywhere in a call, answered by one handler
  with the error envelope (webapp/errors.py ``error_response``).
- ``session_user_required``: the browser's own calls (the signed-in session; its CSRF token
  for changes, checked after sign-in so that a missing session is told to sign in).
- ``device_required``: the phone's calls, with ``Authorization: Bearer <device token>``.
- ``device_or_session_required``: calls both make.

Core knows no feature: who a device token belongs to is answered by the function the sync
feature hands in (``use_device_authority``), and the rules' revision is a setting it fills.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, g, jsonify, request
from flask.sansio.app import App
from flask_login import current_user

from webapp.db import now_utc
from webapp.errors import error_response
from webapp.extensions import csrf

API_VERSION = 1
READ_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiError(Exception):
    """A call that cannot be answered with success: ``status``, a stable ``code``, a sentence."""

    def __init__(self, status: int, code: str, message: str, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra


def ok(**body: Any) -> Response:
    """A success answer. ``server_time`` (UTC, ISO 8601) lets the phone keep its clock offset."""
    return jsonify(
        {
            "ok": True,
            "api_version": API_VERSION,
            "rules_revision": current_app.config.get("RULES_REVISION"),
            "server_time": now_utc().isoformat(),
            **body,
        }
    )


@dataclass(frozen=True)
class DeviceCaller:
    """Who a device token belongs to, as the device authority answers."""

    device: Any
    user: Any


# token -> DeviceCaller; raises ApiError for no device, a wrong, lapsed or revoked token.
DeviceAuthority = Callable[[str | None], DeviceCaller]


def use_device_authority(app: App, authority: DeviceAuthority) -> None:
    """The sync feature says how a bearer token is checked."""
    app.extensions["fieldbook_device_authority"] = authority


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:] if header.startswith("Bearer ") else None


def _device_caller() -> DeviceCaller:
    authority: DeviceAuthority = current_app.extensions["fieldbook_device_authority"]
    return authority(bearer_token())


def _signed_in_user() -> object:
    """The signed-in person (a feature's user model, which core does not know)."""
    if not current_user.is_authenticated:
        raise ApiError(401, "unauthenticated", "Please sign in.")
    if request.method not in READ_METHODS:
        csrf.protect()
    user: object = current_user._get_current_object()
    return user


# The guards below keep the signature of the view they wrap. Each marks its wrapper exempt
# from the form CSRF check with a call rather than as a decorator: Flask-WTF ships no types,
# so as a decorator it would make the view untyped.
Params = ParamSpec("Params")
ViewResult = TypeVar("ViewResult")


def session_user_required(view: Callable[Params, ViewResult]) -> Callable[Params, ViewResult]:
    """For the page's own calls: the signed-in session, and its CSRF token for changes."""

    @functools.wraps(view)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> ViewResult:
        _signed_in_user()
        return view(*args, **kwargs)

    csrf.exempt(wrapped)
    return wrapped


def device_required(view: Callable[Params, ViewResult]) -> Callable[Params, ViewResult]:
    """For sync calls: the device's bearer token (no cookie, so no CSRF): ``g.device``, ``g.device_user``."""

    @functools.wraps(view)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> ViewResult:
        caller = _device_caller()
        g.device, g.device_user = caller.device, caller.user
        return view(*args, **kwargs)

    csrf.exempt(wrapped)
    return wrapped


def device_or_session_required(view: Callable[Params, ViewResult]) -> Callable[Params, ViewResult]:
    """For calls both the phone (with its token) and a desk browser (with its session) make:
    ``g.caller`` is the person, ``g.caller_device`` the phone's device (or None)."""

    @functools.wraps(view)
    def wrapped(*args: Params.args, **kwargs: Params.kwargs) -> ViewResult:
        if bearer_token() is not None:
            caller = _device_caller()
            g.caller, g.caller_device = caller.user, caller.device
        else:
            g.caller, g.caller_device = _signed_in_user(), None
        return view(*args, **kwargs)

    csrf.exempt(wrapped)
    return wrapped


def register_api_errors(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(error: ApiError) -> tuple[Response | str, int]:
        return error_response(error.status, error.message, code=error.code, **error.extra)
