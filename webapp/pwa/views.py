"""Serve the practitioner app: the shell page, the web manifest and the service worker."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, redirect, url_for
from flask_login import current_user

from webapp.pwa.precompressed import serve_static_precompressed, shell_file_response
from webapp.pwa.shell import MANIFEST_URL, SHELL_URL, build_shell, current_shell

bp = Blueprint("pwa", __name__)


@bp.record_once
def _build_the_shell(state) -> None:
    """The hashes are computed once, when the app starts; the files are served as hashed."""
    build_shell(state.app)
    serve_static_precompressed(state.app)


def _revision(url: str) -> str:
    return next(a.revision for a in current_shell(current_app).assets if a.url == url)


def _shell_page() -> Response:
    # The shell holds no client data (nor anything a request put in it): it may be kept and
    # compressed, and is revalidated.
    shell = current_shell(current_app)
    return shell_file_response(shell, SHELL_URL, shell.page, "text/html", _revision(SHELL_URL))


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
    shell = current_shell(current_app)
    return shell_file_response(
        shell, MANIFEST_URL, shell.manifest, "application/manifest+json", _revision(MANIFEST_URL)
    )


@bp.get("/sw.js")
def service_worker():
    """The worker, from the site root so that it may control /app/ and be checked often."""
    shell = current_shell(current_app)
    response = shell_file_response(shell, "/sw.js", shell.worker, "text/javascript", shell.version)
    response.headers["Service-Worker-Allowed"] = "/"
    return response
