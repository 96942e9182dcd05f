"""Fieldbook: an offline-first record book for Body Stress Release practices."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import extensions
from webapp.audit.access_log import redact_werkzeug_log
from webapp.config import load_config
from webapp.core import instance_keys
from webapp.core.api import register_api_errors
from webapp.core.security import init_security
from webapp.core.templating import register_filters
from webapp.errors import register_errorhandlers
from webapp.vocab.templating import register_vocabulary_filter


def create_app(test_config: dict | None = None) -> Flask:
    """Build a Fieldbook app; ``test_config`` overrides settings (tests use it)."""
    app = Flask(
        __name__, instance_path=os.environ.get("FIELDBOOK_INSTANCE") or None, instance_relative_config=True
    )
    configure(app, test_config)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_api_errors(app)
    register_commands(app)
    register_filters(app)
    register_vocabulary_filter(app)
    init_security(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    instance_keys.make_private_folder(Path(app.instance_path))
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_keys.ensure_secret_key(instance)
    if not app.config.get("VAPID_PRIVATE_KEY"):
        app.config["VAPID_PRIVATE_KEY"] = instance_keys.ensure_vapid_private_key(instance)
    app.config["VAPID_PUBLIC_KEY"] = instance_keys.vapid_public_key(app.config["VAPID_PRIVATE_KEY"])
    if app.config.get("BEHIND_PROXY"):
        # Flask's documented way to add WSGI middleware; its stubs declare wsgi_app a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)  # type: ignore[method-assign]
    app.jinja_env.add_extension("jinja2.ext.do")
    logging.basicConfig(level=logging.INFO)
    redact_werkzeug_log()  # the development server's request lines: no client search terms


def register_extensions(app: Flask) -> None:
    from webapp import models  # noqa: F401  (every table registered before use)
    from webapp.sync import changelog  # noqa: F401  (the flush hook that versions changes)

    # ``webapp.db`` is the module of column types; the SQLAlchemy object lives in extensions
    # and is not imported here under that name, so that migrations can say webapp.db.X.
    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)

    from webapp.auth.services import load_user_from_session

    extensions.login_manager.user_loader(load_user_from_session)
    extensions.login_manager.unauthorized_handler(_unauthorized)


def _unauthorized():
    """API callers get a JSON 401; people are sent to the sign-in page."""
    from flask import redirect, request, url_for

    from webapp.errors import error_response

    if request.path.startswith("/api/"):
        return error_response(401, "Please sign in.", code="unauthenticated")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def register_blueprints(app: Flask) -> None:
    from webapp.admin.views import bp as admin_bp
    from webapp.appointments.views import bp as appointments_bp
    from webapp.auth.account_views import bp as account_bp
    from webapp.auth.signin_views import bp as second_factor_bp
    from webapp.auth.views import bp as auth_bp
    from webapp.clients.views import bp as clients_bp
    from webapp.core.views import bp as core_bp
    from webapp.openapi import bp as api_document_bp
    from webapp.pwa.views import bp as pwa_bp
    from webapp.records.case_study_views import bp as case_study_bp
    from webapp.records.erasure_views import bp as erasure_bp
    from webapp.records.handout import bp as handout_bp
    from webapp.records.views import bp as records_bp
    from webapp.reminders.views import api as reminders_api_bp
    from webapp.reminders.views import bp as reminders_bp
    from webapp.reports.views import bp as reports_bp
    from webapp.sync.api import bp as sync_api_bp

    for blueprint in (
        core_bp,
        auth_bp,
        second_factor_bp,
        account_bp,
        clients_bp,
        records_bp,
        appointments_bp,
        admin_bp,
        sync_api_bp,
        api_document_bp,
        pwa_bp,
        reminders_bp,
        reminders_api_bp,
        reports_bp,
        erasure_bp,
        case_study_bp,
        handout_bp,
    ):
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from webapp.commands import register

    register(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers go on while one writer writes; foreign keys are off by default. The
    database file and its journals are kept readable by their owner only (client data)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        database = cursor.execute("PRAGMA database_list").fetchone()[2]
        instance_keys.restrict_sqlite_files(database)  # before WAL makes its files, which copy this mode
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
        instance_keys.restrict_sqlite_files(database)  # and any the first connection just made
