"""The app shell's routes, manifest, icons and versioning (the browser tests are in tests/e2e)."""

from __future__ import annotations

import gzip
import hashlib
import shutil
import struct
from pathlib import Path

import pytest

from webapp.pwa.js_comments import strip_comments
from webapp.pwa.shell import MANIFEST_URL, SHELL_URL, build_shell

SHELL_BUDGET_BYTES = (
    150 * 1024
)  # gzip-compressed, everything a phone downloads on first start (issue 4's target)


def test_anonymous_visitors_are_sent_to_sign_in_and_back(browser):
    response = browser.get("/app/")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/app/"


def test_desk_users_are_sent_to_the_desk(login, staff):
    response = login(staff).get("/app/")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_practitioners_get_the_shell_under_the_strict_policy(login, practitioner):
    response = login(practitioner).get("/app/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert '<script type="module" src="/static/js/app.js"></script>' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_precached_shell_is_the_same_page_and_carries_nothing_private(app, browser, login, practitioner):
    signed_in = login(practitioner).get("/app/").get_data()
    anonymous = browser.get(SHELL_URL)
    assert anonymous.status_code == 200 and anonymous.get_data() == signed_in
    assert practitioner.name.encode() not in signed_in and b"csrf" not in signed_in.lower()


def test_the_worker_is_served_from_the_root_and_always_revalidated(app, browser):
    response = browser.get("/sw.js")
    shell = app.extensions["fieldbook_shell"]
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    assert f'"version": "{shell.version}"' in body and "importScripts('/static/sw/strategies.js')" in body


def test_the_manifest_makes_the_app_installable(browser):
    response = browser.get(MANIFEST_URL)
    manifest = response.get_json(force=True)
    assert response.mimetype == "application/manifest+json"
    assert manifest["name"] == "Fieldbook" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/app/" and manifest["scope"] == "/app/"
    assert manifest["theme_color"] and manifest["background_color"]
    icons = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= icons


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_every_icon_is_a_real_png_of_its_declared_size(browser):
    for icon in browser.get(MANIFEST_URL).get_json(force=True)["icons"]:
        response = browser.get(icon["src"])
        assert response.status_code == 200 and response.mimetype == "image/png"
        width, height = _png_size(response.get_data())
        assert f"{width}x{height}" == icon["sizes"]


def test_each_precached_file_is_served_with_the_hash_the_worker_checks(app, browser):
    for asset in app.extensions["fieldbook_shell"].assets:
        response = browser.get(asset.url)
        assert response.status_code == 200, asset.url
        assert hashlib.sha256(response.get_data()).hexdigest().startswith(asset.revision), asset.url


def test_the_version_changes_exactly_when_a_shell_file_does(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    before = build_shell(app)
    assert build_shell(app).version == before.version  # nothing changed, same version

    (static / "css" / "desk.css").write_text("/* not part of the shell */")
    assert build_shell(app).version == before.version

    stylesheet = static / "css" / "app.css"
    stylesheet.write_text(stylesheet.read_text() + "\n/* changed */\n")
    after = build_shell(app)
    assert after.version != before.version
    old, new = ({a.url: a.revision for a in shell.assets} for shell in (before, after))
    assert old.keys() == new.keys()
    assert {url for url in new if new[url] != old[url]} == {"/static/css/app.css"}

    (static / "sw" / "strategies.js").write_text(
        (static / "sw" / "strategies.js").read_text() + "\n// changed\n"
    )
    assert build_shell(app).version != after.version  # the worker's own code counts too


def test_first_start_downloads_stay_small(app):
    """Everything the shell precaches, as served (scripts without comments), gzip-compressed
    (browsers get Brotli, smaller still: bench/app_screens.py measures that on the wire)."""
    shell = app.extensions["fieldbook_shell"]
    assert {asset.url for asset in shell.assets} == set(shell.bodies)
    total = sum(len(gzip.compress(shell.bodies[asset.url], 6)) for asset in shell.assets)
    assert total < SHELL_BUDGET_BYTES


APP_JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"


@pytest.mark.parametrize("module", sorted(p.relative_to(APP_JS).as_posix() for p in APP_JS.rglob("*.js")))
def test_app_modules_stay_short(module):
    assert len((APP_JS / module).read_text().splitlines()) < 300


def test_the_apps_own_files_are_sent_compressed_but_pages_are_not(browser):
    script = browser.get("/static/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert script.headers.get("Content-Encoding") == "gzip"
    assert gzip.decompress(script.get_data()).decode() == strip_comments((APP_JS / "app.js").read_text())
    assert "Accept-Encoding" in script.headers.get("Vary", "")
    # Pages carry the CSRF token beside what users typed: never compressed (BREACH).
    page = browser.get("/login", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers


def test_static_files_are_sent_compressed_once_and_revalidated_by_their_revision(app, browser):
    import brotli

    shell = app.extensions["fieldbook_shell"]
    asset = next(a for a in shell.assets if a.url.endswith("/js/app.js"))
    first = browser.get(asset.url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert first.headers["Content-Encoding"] == "br" and first.headers["ETag"] == f'"{asset.revision}"'
    assert brotli.decompress(first.get_data()) == shell.bodies[asset.url]
    again = browser.get(asset.url, headers={"If-None-Match": f'"{asset.revision}"'})
    assert again.status_code == 304 and not again.get_data()
    desk = browser.get("/static/css/desk.css", headers={"Accept-Encoding": "br"})  # not a shell file
    assert desk.status_code == 200 and desk.headers["Content-Encoding"] == "br"
    assert brotli.decompress(desk.get_data()).startswith(b"/*")
    icon = browser.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "br"})
    assert icon.status_code == 200 and "Content-Encoding" not in icon.headers  # already compressed
