"""Serve the practitioner app: the shell page, the web manifest and the service worker."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, url_for
from flask_login import current_user

from webapp.pwa.shell import build_shell, current_shell

bp = Blueprint("pwa", __name__)
# The hashes are computed once, when the app starts.
bp.record_once(lambda state: build_shell(state.app))


def _shell_page() -> Response:
    response = Response(current_shell(current_app).page, mimetype="text/html")
    # The shell holds no client data; it must be revalidated, but may be kept.
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/app/")
def app_shell():
    """The practitioner app. Online, this route decides who may start it."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login") + "?next=/app/")
    if not current_user.is_practitioner:
        return redirect(url_for("core.home"))
    return _shell_page()


@bp.get("/app/shell.html")
def precached_shell():
    """The same page, without the sign-in check, for the service worker to keep.

    Once installed the app must open offline with no server session; it reads the phone's
    own database and syncs with the device token, so the page itself carries nothing private.
    """
    return _shell_page()


@bp.get("/manifest.webmanifest")
def manifest():
    response = Response(current_shell(current_app).manifest, mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    """The worker, from the site root so that it may control /app/ and be checked often."""
    response = Response(current_shell(current_app).worker, mimetype="text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response
