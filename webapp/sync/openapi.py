"""The sync API's part of the OpenAPI document (assembled in webapp/openapi.py)."""

from __future__ import annotations

from webapp.core.openapi import Schema, answer, json_body, ref
from webapp.core.wire import schemas as wire_schemas
from webapp.sync.pull import DEFAULT_LIMIT
from webapp.sync.wire import DeviceBody, EscrowBody, ParkBody, PullAnswer, PushAnswer, PushBody, ResolveBody

UUID = {"type": "string", "format": "uuid"}

ERRORS = {
    "400": answer("Malformed request; nothing applied", ref("Error")),
    "401": answer("No valid device token, or the device was revoked (code device_revoked)", ref("Error")),
}
SESSION_ERRORS = {
    "400": answer("Malformed request, or a missing or expired CSRF token (code csrf_failed)", ref("Error")),
    "401": answer("Not signed in (code unauthenticated)", ref("Error")),
}
TOO_LARGE = {"413": answer("The body is larger than the server accepts (code too_large)", ref("Error"))}

# Every error code an answer of this API can carry (the envelope's error.code).
ERROR_CODES = [
    "bad_json",
    "invalid_request",
    "unknown_fields",
    "batch_too_large",
    "too_many_changes",
    "too_large",
    "bad_cursor",
    "unauthenticated",
    "device_revoked",
    "csrf_failed",
    "forbidden",
    "not_found",
    "method_not_allowed",
    "already_resolved",
    "invalid",
    "invalid_subscription",
    "endpoint_taken",
    "in_progress",
    "server_restored",
    "escrow_unavailable",
    "rate_limited",
    "bad_request",
    "server_error",
]


def schemas() -> Schema:
    """The sync API's bodies and answers, written from the models that read them (sync/wire.py)."""
    return wire_schemas(PushBody, ParkBody, ResolveBody, DeviceBody, EscrowBody, PushAnswer, PullAnswer)


def paths() -> Schema:
    uuid_string = UUID
    return {
        "/session": {
            "get": {
                "summary": "Who is signed in, and a CSRF token for /devices",
                "security": [{"session": []}],
                "responses": {"200": answer("The signed-in user"), "401": SESSION_ERRORS["401"]},
            }
        },
        "/devices": {
            "post": {
                "summary": "Register this browser as a device; returns its token once",
                "security": [{"session": []}],
                "requestBody": json_body(ref("DeviceBody"), required=False),
                "responses": {
                    "201": answer("device_id and device_token"),
                    "403": answer("Only practitioners register devices (code forbidden)", ref("Error")),
                    **SESSION_ERRORS,
                    **TOO_LARGE,
                },
            }
        },
        "/schema": {
            "get": {
                "summary": "Field rules and vocabularies, for checking as the user types",
                "security": [{"device": []}],
                "responses": {"200": answer("The rules"), **ERRORS},
            }
        },
        "/sync/push": {
            "post": {
                "summary": "Apply a batch of changes in one transaction, at most once each",
                "security": [{"device": []}],
                "requestBody": json_body(ref("PushBody")),
                "responses": {
                    "200": answer("One result per change, in order", ref("PushAnswer")),
                    "409": answer(
                        "The same changes are being stored by another request at this moment; send "
                        "them again (code in_progress). Or the cursor sent is of another copy of the "
                        "database (code server_restored, with server_id and restored_version): "
                        "nothing applied; see docs/sync-protocol.md, After a restore",
                        ref("Error"),
                    ),
                    "413": answer(
                        "More changes than allowed (code batch_too_large), or too large a body (too_large)",
                        ref("Error"),
                    ),
                    **ERRORS,
                },
            }
        },
        "/sync/pull": {
            "get": {
                "summary": "Changes on the caseload since the cursor (everything without one)",
                "security": [{"device": []}],
                "parameters": [
                    {
                        "name": "cursor",
                        "in": "query",
                        "description": "Opaque: as the last pull gave it",
                        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Records or log rows per page (the server's page size if left out)",
                        "schema": {"type": "integer", "minimum": 1, "maximum": DEFAULT_LIMIT},
                    },
                    {
                        "name": "server_id",
                        "in": "query",
                        "description": "The server_id of the last pull: when the database answering is "
                        "another copy (restored from a backup), the pull is refused with server_restored",
                        "schema": UUID,
                    },
                    {
                        "name": "paged",
                        "in": "query",
                        "description": "1: a first pull (no cursor) comes in pages too; without it, "
                        "the whole caseload comes in one answer, as older apps expect",
                        "schema": {"type": "string", "enum": ["0", "1"]},
                    },
                ],
                "responses": {
                    "200": answer(
                        "Records, evicted clients, open conflicts, the next cursor", ref("PullAnswer")
                    ),
                    "409": answer(
                        "The cursor is of another copy of the database, or ahead of its change log: "
                        "it was restored from a backup (code server_restored, with server_id and "
                        "restored_version); see docs/sync-protocol.md, After a restore",
                        ref("Error"),
                    ),
                    **ERRORS,
                },
            }
        },
        "/sync/park": {
            "post": {
                "summary": "Hand refused changes for a client who left the caseload to the desk",
                "security": [{"device": []}],
                "requestBody": json_body(ref("ParkBody")),
                "responses": {
                    "200": answer("Parked (a retry parks nothing twice)"),
                    "404": answer("Not a client of this caseload", ref("Error")),
                    **ERRORS,
                    **TOO_LARGE,
                },
            }
        },
        "/devices/escrow": {
            "post": {
                "summary": "After a sign-in on the phone: its escrow key, and a renewed (even lapsed) token",
                "security": [{"session": []}],
                "requestBody": json_body(ref("EscrowBody")),
                "responses": {
                    "200": answer("escrow_key (base64url, 32 bytes)"),
                    "403": answer("The phone is someone else's (code forbidden)", ref("Error")),
                    "409": answer(
                        "The key cannot be opened any more (code escrow_unavailable)", ref("Error")
                    ),
                    **SESSION_ERRORS,
                },
            }
        },
        "/sync/device/escrow": {
            "post": {
                "summary": "A phone registered before the app locked gets its escrow key, once",
                "security": [{"device": []}],
                "responses": {
                    "200": answer("escrow_key (base64url, 32 bytes)"),
                    "403": answer("The phone has its key already (code forbidden)", ref("Error")),
                    **ERRORS,
                },
            }
        },
        "/sync/device/retire": {
            "post": {
                "summary": "Sign this device out (its token stops working)",
                "security": [{"device": []}],
                "responses": {"200": answer("Retired"), **ERRORS},
            }
        },
        "/sync/conflicts/{conflict_id}/resolve": {
            "post": {
                "summary": "Resolve a conflict: keep mine, keep theirs, or store an edited value",
                "security": [{"device": []}],
                "parameters": [
                    {"name": "conflict_id", "in": "path", "required": True, "schema": uuid_string}
                ],
                "requestBody": json_body(ref("ResolveBody")),
                "responses": {
                    "200": answer("Resolved"),
                    "404": answer("No such conflict", ref("Error")),
                    "409": answer("Already resolved", ref("Error")),
                    **ERRORS,
                },
            }
        },
    }
