"""The app shell: the files a phone keeps to open Fieldbook offline, and their revisions.

At startup the server reads every shell file (and renders the two it generates: the shell
page and the web manifest), hashes each one, and derives the shell's version from all the
hashes plus the service worker's own source. The service worker is sent that list, so a
phone downloads a new version exactly when a file changed, and only the files that did.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from flask import Flask, render_template

from webapp.pwa.js_comments import strip_comments

SCOPE = "/app/"
SHELL_URL = "/app/shell.html"
MANIFEST_URL = "/manifest.webmanifest"
# Shell files under the static folder, as glob patterns.
STATIC_PATTERNS = (
    "js/*.js",
    "js/ui/*.js",
    "vendor/*/*.js",
    "vendor/*/*.css",
    "css/app.css",
    "css/tokens.css",
    "css/body-chart.css",
    "icons/*.png",
)
# The service worker's own source: not precached, but part of the version.
WORKER_FILES = ("sw.js", "sw/strategies.js")
# The app's colours are written once, as CSS custom properties; the installed app's theme
# colour is --accent and its splash background --wash.
TOKENS = "css/tokens.css"
COLOUR = re.compile(r"--([a-z-]+):\s*(#[0-9a-fA-F]{3,8})\s*;")


@dataclass(frozen=True)
class ShellAsset:
    url: str
    revision: str  # the first 20 hex digits of the SHA-256 of the file's bytes


@dataclass(frozen=True)
class Shell:
    version: str
    assets: tuple[ShellAsset, ...]
    page: bytes  # the shell page, as precached
    manifest: bytes
    worker: bytes  # /sw.js: the precache list followed by the listeners
    # Every shell file's bytes by URL, exactly those hashed: what is served is what was hashed.
    bodies: dict[str, bytes] = field(default_factory=dict)
    # Compressed copies, made on first request (webapp/pwa/precompressed.py).
    encoded: dict[tuple[str, str], bytes] = field(default_factory=dict)

    def precache_list(self) -> list[dict]:
        return [{"url": a.url, "revision": a.revision} for a in self.assets]


def revision(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


def colour_tokens(static: Path) -> dict[str, str]:
    """The colours of css/tokens.css by name (without the dashes) and value."""
    return dict(COLOUR.findall((static / TOKENS).read_text(encoding="utf-8")))


def web_manifest(colours: dict[str, str]) -> dict:
    """The web app manifest: what a phone needs to install Fieldbook to its home screen."""
    icons = "/static/icons/"
    return {
        "id": SCOPE,
        "name": "Fieldbook",
        "short_name": "Fieldbook",
        "description": "Session notes for Body Stress Release practitioners, online or off.",
        "start_url": SCOPE,
        "scope": SCOPE,
        "display": "standalone",
        "orientation": "any",
        "theme_color": colours["accent"],
        "background_color": colours["wash"],
        "lang": "en",
        "icons": [
            {"src": icons + "icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": icons + "icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": icons + "icon-maskable-512.png",
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


STATIC_IMPORT = re.compile(r"""^import\s+(?:[^'"]*?\bfrom\s+)?['"](\.{1,2}/[^'"]+)['"]""", re.MULTILINE)


def startup_modules(static: Path, entry: str = "js/app.js") -> list[str]:
    """The modules ``entry`` imports statically, directly or not, as static-folder paths.

    The shell page names them all (``modulepreload``), so the browser fetches them at once
    instead of discovering them one import level at a time. Screens loaded with import()
    are left out: they load when first shown.
    """
    found: list[str] = []

    def visit(path: PurePosixPath) -> None:
        name = path.as_posix()
        if name in found:
            return
        found.append(name)
        for target in STATIC_IMPORT.findall((static / name).read_text()):
            visit(PurePosixPath(posixpath.normpath((path.parent / target).as_posix())))

    visit(PurePosixPath(entry))
    return found[1:]


def static_folder(app: Flask) -> Path:
    """Where ``app``'s static files are (Flask allows an app without any; this one has them)."""
    if app.static_folder is None:
        raise RuntimeError("the app has no static folder to serve the shell from")
    return Path(app.static_folder)


def build_shell(app: Flask) -> Shell:
    """Read, render and hash every shell file of ``app``; store and return the Shell."""
    static = static_folder(app)
    files: dict[str, bytes] = {}
    for pattern in STATIC_PATTERNS:
        for path in sorted(static.glob(pattern)):
            name = path.relative_to(static).as_posix()
            body = path.read_bytes()
            if name.startswith("js/") and name.endswith(".js"):  # ours, not vendor/ (its licences stay)
                body = strip_comments(body.decode("utf-8")).encode("utf-8")
            files[f"{app.static_url_path}/{name}"] = body
    colours = colour_tokens(static)
    with app.test_request_context(SCOPE):
        page = render_template(
            "pwa/shell.html", theme_colour=colours["accent"], preload=startup_modules(static)
        ).encode()
    manifest = json.dumps(web_manifest(colours), indent=1).encode()
    files[SHELL_URL] = page
    files[MANIFEST_URL] = manifest
    assets = tuple(ShellAsset(url, revision(body)) for url, body in sorted(files.items()))

    listeners = [(static / name).read_bytes() for name in WORKER_FILES]
    digest = hashlib.sha256()
    for asset in assets:
        digest.update(f"{asset.url} {asset.revision}\n".encode())
    for source in listeners:
        digest.update(source)
    version = digest.hexdigest()[:16]
    config = {
        "version": version,
        "scope": SCOPE,
        "shell": SHELL_URL,
        "assets": [{"url": a.url, "revision": a.revision} for a in assets],
    }
    preamble = (
        "// Written by the server (webapp/pwa/shell.py): this version's shell files.\n"
        f"self.FIELDBOOK_SHELL = {json.dumps(config)};\n\n"
    ).encode()
    shell = Shell(version, assets, page, manifest, preamble + listeners[0], bodies=files)
    app.extensions["fieldbook_shell"] = shell
    return shell


def current_shell(app: Flask) -> Shell:
    """The shell built at startup (rebuilt on each call in debug mode, to follow edits)."""
    shell = app.extensions.get("fieldbook_shell")
    if shell is None or app.debug:
        shell = build_shell(app)
    return shell
