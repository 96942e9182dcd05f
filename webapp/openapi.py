"""The API's OpenAPI document, put together from each feature's part, and served.

It sits above the features, like webapp/models.py: the sync API (sync/openapi.py) and the
reminders (reminders/openapi.py) each describe their own paths; nothing below imports this.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from webapp.core.openapi import envelope_schemas, with_envelope
from webapp.reminders import openapi as reminders
from webapp.sync import openapi as sync

bp = Blueprint("api_document", __name__, url_prefix="/api/v1")


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fieldbook sync API",
            "version": "1",
            "description": "Offline sync between practitioners' devices and the clinic server "
            "(see docs/sync-protocol.md for the guarantees), and reminders by Web Push "
            "(docs/reminders.md).",
        },
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {
                "device": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "<device_id>.<secret> from POST /devices",
                },
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {**envelope_schemas(sync.ERROR_CODES), **sync.schemas(), **reminders.schemas()},
        },
        "paths": with_envelope({**sync.paths(), **reminders.paths()}),
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
