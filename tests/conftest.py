"""Fixtures: an app on a fresh database per test, users of every role, signed-in browsers.

SQLite by default; PostgreSQL when TEST_DATABASE_URL is set (``make test`` runs both).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import re
from pathlib import Path

import pytest
from flask import g
from playwright.sync_api import expect
from sqlalchemy import create_engine, event, make_url, text

from tests import factories
from tests.postgres_databases import drop_database, recreate_database
from webapp import create_app
from webapp.auth.models import Role
from webapp.core.instance_keys import ensure_vapid_private_key
from webapp.extensions import db


def _database_of_this_run(base_url: str | None) -> str | None:
    """A PostgreSQL database for this test run alone, beside the one TEST_DATABASE_URL names.

    Each run drops and rebuilds its schema, so two runs sharing one database (two
    developers, or CI beside a local run) would pull tables from under each other.
    """
    if not base_url:
        return None
    base = make_url(base_url)
    name = f"{base.database}_run{os.getpid()}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    recreate_database(admin, name)

    def drop() -> None:
        drop_database(admin, name)
        admin.dispose()

    atexit.register(drop)
    return base.set(database=name).render_as_string(hide_password=False)


POSTGRES_URL = _database_of_this_run(os.environ.get("TEST_DATABASE_URL"))

# Browser assertions wait up to 15 s rather than Playwright's 5 s: on a loaded two-core
# machine the service worker and IndexedDB can take longer, and the behaviour is the same.
expect.set_options(timeout=15_000)


E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(items):
    """Every browser test carries the ``e2e`` marker, so ``-m "not e2e"`` runs without Chromium."""
    for item in items:
        if Path(item.fspath).is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def vapid_private_key(tmp_path_factory) -> str:
    return ensure_vapid_private_key(tmp_path_factory.mktemp("vapid"))


@pytest.fixture(scope="session")
def _postgres_schema():
    """On PostgreSQL, build the schema once; each test then empties the tables."""
    if not POSTGRES_URL:
        yield None
        return
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    yield POSTGRES_URL


def _empty_postgres_tables() -> None:
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.execute(text("INSERT INTO sync_clock (id, value) VALUES (1, 0)"))
    db.session.commit()


def _forget_request_globals() -> None:
    for name in list(vars(g)):
        delattr(g, name)


@pytest.fixture
def app(tmp_path, vapid_private_key, _postgres_schema):
    url = _postgres_schema or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    os.environ["FIELDBOOK_INSTANCE"] = str(tmp_path / "instance")
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "test-secret-key",
            "VAPID_PRIVATE_KEY": vapid_private_key,
        }
    )
    # The test holds one app context open so it can use db.session; Flask reuses it for each
    # request, so forget per-request state (the signed-in user, the CSRF token) in ``g``.
    app.before_request_funcs.setdefault(None, []).insert(0, _forget_request_globals)
    with app.app_context():
        db.create_all()
        if _postgres_schema:
            _empty_postgres_tables()
        yield app
        db.session.remove()
        # Close the pool's connections now: left to the garbage collector, a psycopg
        # connection warns that it was never closed (and warnings are errors here).
        db.engine.dispose()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class Browser:
    """A test client that behaves like the browser: it sends the CSRF token of its session."""

    TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self._token: str | None = None

    def csrf_token(self) -> str:
        if self._token is None:
            page = self.client.get("/login").get_data(as_text=True)
            match = self.TOKEN.search(page)
            assert match, "no CSRF token on the sign-in page"
            self._token = match.group(1) or match.group(2)
        return self._token

    def get(self, url, **kw):
        return self.client.get(url, **kw)

    def post(self, url, data=None, **kw):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token())
        return self.client.post(url, data=data, **kw)

    def post_json(self, url, payload, **kw):
        headers = {"X-CSRFToken": self.csrf_token(), **kw.pop("headers", {})}
        return self.client.post(url, json=payload, headers=headers, **kw)

    def login(self, user, password: str = factories.PASSWORD):
        """Sign in as ``user``, through the second factor when they have one or owe one."""
        self.csrf_token()
        response = self.post("/login", {"email": user.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        if response.headers["Location"].startswith(("/login/set-up", "/login/verify")):
            self.answer_second_factor(user)
        return self

    def answer_second_factor(self, user, **kw):
        """Pass the second step with a code from ``user``'s authenticator app, as they would;
        one is set up for them first (without recovery codes) if they have none."""
        if factories.totp_secret(user) is None:
            factories.enrol_totp(user)
            db.session.commit()
        response = self.post("/login/verify", {"code": factories.next_totp_code(user)}, **kw)
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response


@pytest.fixture
def browser(app) -> Browser:
    """An anonymous browser."""
    return Browser(app)


@pytest.fixture
def login(app):
    """``login(user)`` gives a browser signed in as ``user``."""

    def sign_in(user) -> Browser:
        db.session.commit()
        return Browser(app).login(user)

    return sign_in


@pytest.fixture
def count_queries(app):
    """``with count_queries() as statements:``: the SQL the block sends, one string each, so a
    test can pin how many queries a hot page takes."""

    @contextlib.contextmanager
    def counting():
        statements: list[str] = []

        def listen(connection, cursor, statement, *args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            yield statements
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)

    return counting


@pytest.fixture
def make_device(app, login):
    """``make_device(user)`` registers a phone for ``user`` that syncs with its token (tests/sync/conftest.py)."""
    from tests.sync.conftest import Device

    return lambda user: Device(app, login, user)


@pytest.fixture
def push_service(app):
    """The local push service (tests/reminders/local_service.py); the test fails if any request it got was malformed."""
    from tests.reminders.local_service import running_push_service

    app.config["PUSH_ALLOW_HTTP_ENDPOINTS"] = True
    with running_push_service(app.config["VAPID_PUBLIC_KEY"], app.config["VAPID_SUBJECT"]) as service:
        yield service
    assert service.problems == []


@pytest.fixture
def clinic(app):
    return factories.make_clinic()


@pytest.fixture
def other_clinic(app):
    return factories.make_clinic("Hilltop BSR")


@pytest.fixture
def admin(clinic):
    return factories.make_user(clinic, Role.ADMIN, name="Ada Admin")


@pytest.fixture
def staff(clinic):
    return factories.make_user(clinic, Role.STAFF, name="Sam Staff")


@pytest.fixture
def practitioner(clinic):
    return factories.make_user(clinic, Role.PRACTITIONER, name="Pat Practitioner")


@pytest.fixture
def other_practitioner(clinic):
    return factories.make_user(clinic, Role.PRACTITIONER, name="Olive Other")


@pytest.fixture
def other_clinic_staff(other_clinic):
    return factories.make_user(other_clinic, Role.STAFF, name="Oscar Outsider")
