"""Static files as a browser downloads them: compressed once, at the best setting, and kept.

The first download of the app is its biggest cost on a phone with a weak signal. The shell's
files are few and fixed for the life of the process (their hashes are the app's version), so
each is compressed once, with Brotli at its highest quality (or gzip for a browser without
it), and answered from memory with a strong ETag: its revision. The desk's own scripts and
styles are served the same way, read and compressed once per version of the file on disk.
Images, already compressed, go to Flask's own static handler. Pages and API answers are never
compressed: they carry session secrets beside what a user typed (the BREACH attack).
"""

from __future__ import annotations

import gzip
import mimetypes

import brotli
from flask import Flask, Response, request

from webapp.pwa.shell import Shell, current_shell, revision, static_folder

# Types worth compressing (images are compressed already).
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("application/manifest+json", ".webmanifest")


def chosen_encoding(accept: str) -> str | None:
    """The best encoding the request accepts: br, then gzip, else none."""
    offered = {part.split(";")[0].strip().lower() for part in accept.split(",")}
    return "br" if "br" in offered else "gzip" if "gzip" in offered else None


def encoded_body(shell: Shell, url: str, body: bytes, encoding: str | None) -> bytes:
    """``body`` in ``encoding``, made once per shell and kept."""
    if encoding is None:
        return body
    key = (url, encoding)
    if key not in shell.encoded:
        shell.encoded[key] = (
            brotli.compress(body, quality=11)
            if encoding == "br"
            else gzip.compress(body, compresslevel=9, mtime=0)
        )
    return shell.encoded[key]


def shell_file_response(shell: Shell, url: str, body: bytes, mimetype: str, revision: str) -> Response:
    """A shell file's answer: compressed when it is worth it, revalidated by its revision."""
    etag = f'"{revision}"'
    if request.headers.get("If-None-Match") == etag:
        response = Response(status=304)
    else:
        compressible = mimetype.startswith(COMPRESSIBLE)
        encoding = chosen_encoding(request.headers.get("Accept-Encoding", "")) if compressible else None
        response = Response(encoded_body(shell, url, body, encoding), mimetype=mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
        if compressible:
            response.headers["Vary"] = "Accept-Encoding"
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"  # a new version is a new file, found by revalidating
    return response


def _desk_file(app: Flask, filename: str) -> tuple[bytes, str] | None:
    """A compressible static file outside the shell, read once per version on disk: (bytes, revision)."""
    static = static_folder(app)
    path = (static / filename).resolve()
    if not path.is_relative_to(static.resolve()) or not path.is_file():
        return None
    stat = path.stat()
    cache = app.extensions.setdefault("fieldbook_static_files", {})
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in cache:
        body = path.read_bytes()
        cache[key] = (body, revision(body))
    return cache[key]


def serve_static_precompressed(app: Flask) -> None:
    """Answer static files from memory, compressed once; images through Flask's static handler."""
    flask_static = app.view_functions["static"]
    kept = Shell("desk", (), b"", b"", b"")  # compressed desk files, kept like the shell's

    def static(filename: str):
        shell = current_shell(app)
        url = f"{app.static_url_path}/{filename}"
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        body = shell.bodies.get(url)
        if body is not None:
            version = next(a.revision for a in shell.assets if a.url == url)
            return shell_file_response(shell, url, body, mimetype, version)
        found = _desk_file(app, filename) if mimetype.startswith(COMPRESSIBLE) else None
        if found is None:
            return flask_static(filename=filename)
        body, version = found
        return shell_file_response(kept, f"{url}?{version}", body, mimetype, version)

    app.view_functions["static"] = static
