"""Browser tests: a real server on a loopback port, driven through Debian's Chromium, and (tests
marked ``webkit``) through WebKitGTK's own WebDriver, the engine of every browser on an iPhone.

The server runs the app in a thread (werkzeug) on a fresh SQLite file, or on PostgreSQL
when TEST_DATABASE_URL is set; each test starts from empty tables. "Offline" in these tests
is real: the browser context is set offline AND the server is stopped, because Playwright's
offline emulation does not reach requests made by a service worker.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from tests import factories, live_server
from tests.conftest import POSTGRES_URL
from tests.e2e.engines import CHROMIUM, CHROMIUM_ARGS, ChromiumPhone
from tests.e2e.webkit import VirtualDisplay, WebKitPhone, webkit_missing
from tests.postgres_databases import drop_database, recreate_database
from webapp import create_app
from webapp.auth.models import Role
from webapp.extensions import db
from webapp.pwa.shell import build_shell

TIMEOUT_MS = 15_000


class LiveServer(live_server.LiveServer):
    """The app served on 127.0.0.1 (a secure context, so service workers are allowed)."""

    def rebuild_shell(self) -> str:
        """Re-hash the shell files, as a restart after a deploy would; returns the version."""
        return build_shell(self.app).version


@pytest.fixture(scope="session")
def e2e_static(tmp_path_factory) -> Path:
    """A copy of the static folder, so a test can change a shell file like a deploy does."""
    target = tmp_path_factory.mktemp("static") / "static"
    shutil.copytree(Path(__file__).resolve().parents[2] / "webapp" / "static", target)
    return target


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory):
    """A fresh SQLite file; or, with TEST_DATABASE_URL, a PostgreSQL database of its own.

    The browser tests' server keeps its connections and tables for the whole session, so it
    gets a database apart from the one the other tests rebuild and empty test by test.
    """
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.sqlite3'}"
        return
    given = make_url(POSTGRES_URL)
    name = f"{given.database}_e2e_{os.getpid()}"
    admin = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        recreate_database(admin, name)
    except SQLAlchemyError:  # no right to create databases: use the given one
        admin.dispose()
        yield POSTGRES_URL
        return
    yield given.set(database=name).render_as_string(hide_password=False)
    drop_database(admin, name)
    admin.dispose()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, vapid_private_key, e2e_database_url, e2e_static):
    url = e2e_database_url
    os.environ["FIELDBOOK_INSTANCE"] = str(tmp_path_factory.mktemp("e2e-instance"))
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "e2e-secret-key",
            "VAPID_PRIVATE_KEY": vapid_private_key,
        }
    )
    app.static_folder = str(e2e_static)
    build_shell(app)
    with app.app_context():
        db.create_all()
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _empty_tables(app, tries: int = 5) -> None:
    """Empty every table for the next test.

    A request of the previous test's phone (a sync it started as the test ended) may still be
    running on the server; on PostgreSQL its locks and the TRUNCATE can deadlock, and the
    database aborts one of them. The TRUNCATE is simply tried again once that request is done.
    """
    for attempt in range(1, tries + 1):
        with app.app_context():
            try:
                tables = db.metadata.sorted_tables
                if db.engine.dialect.name == "postgresql":
                    names = ", ".join(f'"{t.name}"' for t in tables)
                    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in reversed(tables):
                        db.session.execute(table.delete())
                db.session.execute(text("INSERT INTO sync_clock (id, value) VALUES (1, 0)"))
                db.session.commit()
                return
            except OperationalError:
                db.session.rollback()
                if attempt == tries:
                    raise
                time.sleep(0.2 * attempt)
            finally:
                db.session.remove()


@pytest.fixture
def server(live_server):
    """The live server, up, on empty tables; brought back up if a test left it down."""
    live_server.start()
    _empty_tables(live_server.app)
    yield live_server
    live_server.start()


@pytest.fixture
def data(server):
    """Run factories and queries against the live server's database: ``with data() as s``."""

    @contextmanager
    def session():
        with server.app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    return session


@pytest.fixture
def caseload(data):
    """A clinic with a practitioner who has two clients (case history and acknowledgement taken), and a desk admin."""
    with data() as s:
        clinic = factories.make_clinic()
        pat = factories.make_user(
            clinic, Role.PRACTITIONER, name="Pat Practitioner", email="pat@example.test"
        )
        admin = factories.make_user(clinic, Role.ADMIN, name="Ada Admin", email="ada@example.test")
        alex = factories.make_client(clinic, pat, first_name="Alex", last_name="Morgan", town="Ashford")
        bea = factories.make_client(clinic, pat, first_name="Bea", last_name="Lund", town="Wye")
        for client in (alex, bea):  # past their first visit's paperwork: a visit starts at once
            factories.make_case_history(client)
            factories.make_acknowledgement(client, pat)
        ids = {"clinic": clinic.id, "pat": pat.id, "admin": admin.id, "alex": alex.id, "bea": bea.id}
        s.flush()
    return ids


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def chromium(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(chromium, server):
    """``new_context()`` opens a fresh browser profile (a phone) on the live server."""
    opened, errors = [], []

    def make(**options):
        options = {
            "viewport": {"width": 360, "height": 740},
            "base_url": server.url,
            **options,
        }  # a phone, unless told otherwise
        context = chromium.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        # Any uncaught exception or unhandled rejection in the app fails the test.
        context.on(
            "weberror", lambda error: errors.append(f"{error.page.url if error.page else ''}: {error.error}")
        )
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()
    assert not errors, "uncaught errors in the app:\n" + "\n".join(errors)


@pytest.fixture(scope="session")
def virtual_display():
    """The X display WebKitGTK draws on (Xvfb), for the whole session."""
    missing = webkit_missing()
    if missing:  # a failure, never a skip: CI must run the WebKit lane
        pytest.fail(missing)
    display = VirtualDisplay()
    yield display.display
    display.stop()


@pytest.fixture(params=["chromium", pytest.param("webkit", marks=pytest.mark.webkit)])
def engine(request) -> str:
    """The browser engine a scenario of test_phone_in_both_engines.py runs in."""
    return request.param


@pytest.fixture
def open_phone(request, engine, server, tmp_path):
    """``open_phone(time_zone=None, locale=None)``: a new phone (a fresh browser profile) in this
    test's engine, with Fieldbook at http://localhost:<port>; the machine's zone and language
    unless told otherwise."""
    base_url = f"http://localhost:{server.port}"
    opened = []

    def make(time_zone: str | None = None, locale: str | None = None):
        if engine == "chromium":
            options = {
                "base_url": base_url,
                **({"timezone_id": time_zone} if time_zone else {}),
                **({"locale": locale} if locale else {}),
            }
            return ChromiumPhone(
                request.getfixturevalue("new_context")(**options).new_page(), base_url, TIMEOUT_MS / 1000
            )
        phone = WebKitPhone(
            base_url,
            TIMEOUT_MS / 1000,
            request.getfixturevalue("virtual_display"),
            time_zone=time_zone,
            locale=locale,
            log=tmp_path / f"webkit-{len(opened)}.log",
        )
        opened.append(phone)
        return phone

    yield make
    errors = []
    for phone in opened:
        with contextlib.suppress(Exception):  # a phone whose browser is gone has nothing more to say
            errors += phone.page_errors()
        phone.close()
    # Chromium's phones are checked by new_context (Playwright's "weberror"); these are WebKit's.
    assert not errors, "uncaught errors in the app (WebKit):\n" + "\n".join(errors)
