"""The security baseline: headers, cookies, error pages, and no inline script or style."""

import pathlib
import re

import pytest

from webapp.core.security import CONTENT_SECURITY_POLICY

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "webapp" / "templates"


def test_every_page_carries_a_strict_content_security_policy(browser):
    response = browser.get("/login")
    policy = response.headers["Content-Security-Policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "style-src 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html"))
)
def test_templates_have_no_inline_script_style_or_handlers(template):
    source = (TEMPLATES / template).read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script> block"
    assert not re.search(r"<style\b", source), "inline <style> block"
    assert not re.search(r"\sstyle\s*=", source), "style= attribute"
    assert not re.search(r"\son[a-z]+\s*=", source), "inline event handler"


def test_session_cookie_is_httponly_and_samesite_and_not_secure_over_plain_http(browser):
    browser.get("/login")
    cookie = browser.client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_session_cookie_is_secure_over_https(app):
    client = app.test_client()
    response = client.get("/login", base_url="https://fieldbook.example")
    set_cookie = response.headers["Set-Cookie"]
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_unknown_page_is_a_friendly_404(login, staff):
    response = login(staff).get("/no/such/page")
    assert response.status_code == 404
    assert "There is nothing here" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_no_stack_trace(app, login, staff):
    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = login(staff).get("/boom-for-test")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Nothing you entered has been lost" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_api_errors_are_json_even_for_unknown_paths(browser):
    response = browser.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {
        "ok": False,
        "error": {"code": "not_found", "message": "There is nothing here, or you do not have access to it."},
    }


def test_the_worker_script_carries_the_policy_that_the_scripts_it_loads_do_not_need(browser):
    # A worker's policy comes from its own script's response; a page's from the page.
    assert browser.get("/sw.js").headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    script = browser.get("/static/js/app.js")
    assert (
        "Content-Security-Policy" not in script.headers
        and script.headers["X-Content-Type-Options"] == "nosniff"
    )
