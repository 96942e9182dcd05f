"""The shell's files as a phone downloads them: compressed once, at the best setting, and kept.

The first download of the app is its biggest cost on a phone with a weak signal. Flask's
static handler sends each file as it is on disk, compressed again on every request at a fast
setting, with headers a cached app file does not need. The shell's files are few and
fixed for the life of the process (their hashes are the app's version), so each is
compressed once, with Brotli at its highest quality (or gzip for a browser without it), and
answered from memory with a strong ETag: its revision. Anything else under /static goes to
Flask's own handler.
"""

from __future__ import annotations

import gzip
import mimetypes

import brotli
from flask import Flask, Response, request

from webapp.pwa.shell import Shell, current_shell

# Types worth compressing (images are compressed already).
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")
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
        shell.encoded[key] = (brotli.compress(body, quality=11) if encoding == "br"
                              else gzip.compress(body, compresslevel=9, mtime=0))
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


def serve_shell_files_precompressed(app: Flask) -> None:
    """Answer the shell's static files from memory; the rest through Flask's static handler."""
    flask_static = app.view_functions["static"]

    def static(filename: str):
        shell = current_shell(app)
        url = f"{app.static_url_path}/{filename}"
        body = shell.bodies.get(url)
        if body is None:
            return flask_static(filename=filename)
        revision = next(a.revision for a in shell.assets if a.url == url)
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        return shell_file_response(shell, url, body, mimetype, revision)

    app.view_functions["static"] = static
