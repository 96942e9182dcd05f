"""What the server publishes: the record rules for devices, and the OpenAPI document."""

from __future__ import annotations

import hashlib
import json
import uuid

from webapp.push.openapi import push_paths
from webapp.sync.entities import ENTITIES, ENTITY_LABELS
from webapp.sync.parking import MAX_PARKED
from webapp.sync.pull import DEFAULT_LIMIT
from webapp.sync.push import MAX_CHANGES
from webapp.visits import clock
from webapp.vocab import defaults
from webapp.vocab.services import terms

VOCABULARIES = ("region", "side", "complaint", "time_of_day", "frequency", "reaction", "advice", "location")


def _rules_revision() -> str:
    """A hash of everything in the schema document that only a new release changes.

    Every API answer carries it, so a device learns of new rules at its next sync rather
    than at its next hourly refresh; the clinic's own terms reach it as pulled records.
    """
    rules = {"entities": {name: entity.schema.to_json() for name, entity in ENTITIES.items()},
             "defaults": {kind: getattr(defaults, kind) for kind in sorted(dir(defaults)) if kind.isupper()},
             "clock": clock_rules()}
    return hashlib.sha256(json.dumps(rules, sort_keys=True, default=str).encode()).hexdigest()[:16]


def clock_rules() -> dict:
    """The clock tolerances a phone checks against (visits/clock.py; docs/sync-protocol.md, Time)."""
    return {"tolerance_seconds": clock.CLOCK_TOLERANCE_SECONDS,
            "future_tolerance_seconds": int(clock.FUTURE_TOLERANCE.total_seconds()),
            "max_offset_seconds": clock.MAX_OFFSET_SECONDS, "flags": list(clock.CLOCK_FLAGS)}


RULES_REVISION = _rules_revision()


def schema_document(clinic_id: uuid.UUID) -> dict:
    """The field rules of every synced entity, the clinic's vocabularies, and how the clinic
    writes dates and times (its locale and time zone: the phone follows them, not its own)."""
    from webapp.auth.models import Clinic
    from webapp.extensions import db

    clinic = db.session.get(Clinic, clinic_id)
    return {
        "rules_revision": RULES_REVISION,
        "entities": {name: entity.schema.to_json() | {"fixed": list(entity.fixed), "derived": list(entity.derived),
                                                      "label": ENTITY_LABELS[name]}
                     for name, entity in ENTITIES.items()},
        "vocabularies": {kind: [{"code": c, "label": label} for c, label in terms(kind, clinic_id)]
                         for kind in VOCABULARIES},
        "region_groups": {code: group for code, _label, group in defaults.REGIONS},
        "acknowledgement": {"current": defaults.CURRENT_ACKNOWLEDGEMENT_VERSION,
                            "wordings": defaults.ACKNOWLEDGEMENT_WORDINGS},
        "max_changes_per_push": MAX_CHANGES,
        "clock": clock_rules(),
        # The initial course's sessions, in days after the first (the desk's follow-ups use it too).
        "course": {"initial_days": list(defaults.INITIAL_COURSE_DAYS)},
        "conventions": {"locale": clinic.locale, "time_zone": clinic.timezone},
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _answer(description: str, schema: dict | None = None) -> dict:
    answer = {"description": description}
    if schema:
        answer["content"] = {"application/json": {"schema": schema}}
    return answer


ERRORS = {
    "400": _answer("Malformed request; nothing applied", _ref("Error")),
    "401": _answer("No valid device token, or the device was revoked (code device_revoked)", _ref("Error")),
}
SESSION_ERRORS = {
    "400": _answer("Malformed request, or a missing or expired CSRF token (code csrf_failed)", _ref("Error")),
    "401": _answer("Not signed in (code unauthenticated)", _ref("Error")),
}
TOO_LARGE = {"413": _answer("The body is larger than the server accepts (code too_large)", _ref("Error"))}

# Every error code an answer of this API can carry (the envelope's error.code).
ERROR_CODES = [
    "bad_json", "invalid_request", "unknown_fields", "batch_too_large", "too_many_changes", "too_large",
    "bad_cursor", "unauthenticated", "device_revoked", "csrf_failed", "forbidden", "not_found",
    "method_not_allowed", "already_resolved", "invalid", "invalid_subscription", "endpoint_taken", "in_progress",
    "escrow_unavailable",
    "rate_limited", "bad_request", "server_error"]
# The code of a rejected change in a push's results (null for applied and conflict).
RESULT_CODES = ["invalid", "not_found", "change_id_reused", "in_future"]


def _with_envelope(paths: dict) -> dict:
    """Every success answer is made by ``ok()``: the envelope, then what the answer carries."""
    for operations in paths.values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = answer.setdefault("content", {"application/json": {"schema": _ref("Success")}})
                schema = content["application/json"]["schema"]
                if schema != _ref("Success") and _ref("Success") not in schema.get("allOf", []):
                    content["application/json"]["schema"] = {"allOf": [_ref("Success"), schema]}
    return paths


def openapi_document() -> dict:
    uuid_string = {"type": "string", "format": "uuid"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Fieldbook sync API", "version": "1",
                 "description": "Offline sync between practitioners' devices and the clinic server "
                                "(see docs/sync-protocol.md for the guarantees), and reminders by Web Push "
                                "(docs/reminders.md)."},
        "servers": [{"url": "/api/v1"}],
        "components": {
            "securitySchemes": {"device": {"type": "http", "scheme": "bearer",
                                           "description": "<device_id>.<secret> from POST /devices"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "session"}},
            "schemas": {
                "Success": {"type": "object", "required": ["ok", "api_version", "rules_revision", "server_time"],
                            "properties": {
                                "ok": {"const": True}, "api_version": {"type": "integer"},
                                "rules_revision": {"type": "string"},
                                "server_time": {"type": "string", "format": "date-time",
                                                "description": "The server's clock (UTC) as it answered: the "
                                                               "phone keeps server_time minus its own clock as "
                                                               "its offset (docs/sync-protocol.md, Time)"}}},
                "Error": {"type": "object", "required": ["ok", "error"], "properties": {
                    "ok": {"const": False},
                    "error": {"type": "object", "required": ["code", "message"], "properties": {
                        "code": {"type": "string", "enum": ERROR_CODES},
                        "message": {"type": "string"},
                        "reason": {"type": "string", "description": "more precise than the code, where it helps "
                                   "(lapsed, stale_sign_in)"}}}}},
                "Change": {"type": "object", "additionalProperties": False,
                           "required": ["change_id", "entity", "id"], "properties": {
                               "change_id": uuid_string, "entity": {"enum": list(ENTITIES)}, "id": uuid_string,
                               "op": {"enum": ["upsert", "delete"], "default": "upsert"},
                               "base_version": {"type": "integer", "minimum": 0, "default": 0},
                               "fields": {"type": "object"}}},
                "Parked": {"type": "object", "required": ["change_id", "entity", "id", "op"], "properties": {
                    "change_id": uuid_string, "entity": {"enum": list(ENTITIES)}, "id": uuid_string,
                    "op": {"enum": ["upsert", "delete"]}, "fields": {"type": ["object", "null"]},
                    "made_at": {"type": ["string", "null"]}}},
                "Record": {"type": "object", "properties": {
                    "entity": {"enum": list(ENTITIES)}, "id": uuid_string, "version": {"type": "integer"},
                    "deleted": {"type": "boolean"}, "fields": {"type": "object"}}},
                "Conflict": {"type": "object", "properties": {
                    "conflict_id": uuid_string, "entity": {"type": "string"}, "id": uuid_string,
                    "field": {"type": "string"}, "server_value": {}, "device_value": {}}},
                "Result": {"type": "object", "properties": {
                    "change_id": uuid_string, "status": {"enum": ["applied", "conflict", "rejected"]},
                    "entity": {"type": "string"}, "id": uuid_string, "version": {"type": ["integer", "null"]},
                    "record": {"oneOf": [_ref("Record"), {"type": "null"}]},
                    "conflicts": {"type": "array", "items": _ref("Conflict")},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                    "code": {"enum": [*RESULT_CODES, None],
                             "description": "Why a change was rejected: invalid (see errors), not_found (outside "
                                            "the caseload), change_id_reused, in_future (a visit starting more "
                                            "than the future tolerance after server_time; errors.started_at "
                                            "says so)"},
                    "merged_into": uuid_string}},
            },
        },
        "paths": _with_envelope({
            "/session": {"get": {"summary": "Who is signed in, and a CSRF token for /devices",
                                 "security": [{"session": []}],
                                 "responses": {"200": _answer("The signed-in user"),
                                               "401": SESSION_ERRORS["401"]}}},
            "/devices": {"post": {"summary": "Register this browser as a device; returns its token once",
                                  "security": [{"session": []}],
                                  "requestBody": dict(_json_body({"type": "object", "properties": {
                                      "label": {"type": ["string", "null"], "maxLength": 120}}}), required=False),
                                  "responses": {"201": _answer("device_id and device_token"),
                                                "403": _answer("Only practitioners register devices (code forbidden)",
                                                               _ref("Error")),
                                                **SESSION_ERRORS, **TOO_LARGE}}},
            "/schema": {"get": {"summary": "Field rules and vocabularies, for checking as the user types",
                                "security": [{"device": []}], "responses": {"200": _answer("The rules"), **ERRORS}}},
            "/sync/push": {"post": {
                "summary": "Apply a batch of changes in one transaction, at most once each",
                "security": [{"device": []}],
                "requestBody": _json_body({"type": "object", "additionalProperties": False, "required": ["changes"],
                                           "properties": {"pending": {"type": ["integer", "null"], "minimum": 0},
                                                          "changes": {"type": "array", "maxItems": MAX_CHANGES,
                                                                      "items": _ref("Change")}}}),
                "responses": {"200": _answer("One result per change, in order", {"type": "object", "properties": {
                    "results": {"type": "array", "items": _ref("Result")}}}),
                    "409": _answer("The same changes are being stored by another request at this moment; send "
                                   "them again (code in_progress)", _ref("Error")),
                    "413": _answer("More changes than allowed (code batch_too_large), or too large a body "
                                   "(too_large)", _ref("Error")), **ERRORS}}},
            "/sync/pull": {"get": {
                "summary": "Changes on the caseload since the cursor (everything without one)",
                "security": [{"device": []}],
                "parameters": [{"name": "cursor", "in": "query", "description": "Opaque: as the last pull gave it",
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"}},
                               {"name": "limit", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": DEFAULT_LIMIT}}],
                "responses": {"200": _answer("Records, evicted clients, open conflicts, the next cursor",
                                             {"type": "object", "properties": {
                                                 "records": {"type": "array", "items": _ref("Record")},
                                                 "evict": {"type": "array", "items": uuid_string},
                                                 "conflicts": {"type": "array", "items": _ref("Conflict")},
                                                 "cursor": {"type": "string"}, "more": {"type": "boolean"}}}),
                              **ERRORS}}},
            "/sync/park": {"post": {"summary": "Hand refused changes for a client who left the caseload to the desk",
                                    "security": [{"device": []}],
                                    "requestBody": _json_body({"type": "object", "required": ["client_id", "changes"],
                                                               "properties": {"client_id": uuid_string,
                                                                              "changes": {"type": "array",
                                                                                          "maxItems": MAX_PARKED,
                                                                                          "items": _ref("Parked")}}}),
                                    "responses": {"200": _answer("Parked (a retry parks nothing twice)"),
                                                  "404": _answer("Not a client of this caseload", _ref("Error")),
                                                  **ERRORS, **TOO_LARGE}}},
            "/devices/escrow": {"post": {
                "summary": "After a sign-in on the phone: its escrow key, and a renewed (even lapsed) token",
                "security": [{"session": []}],
                "requestBody": _json_body({"type": "object", "required": ["device_id", "proof"], "properties": {
                    "device_id": uuid_string,
                    "proof": {"type": "string", "description": "hex SHA-256 of the device token"}}}),
                "responses": {"200": _answer("escrow_key (base64url, 32 bytes)"),
                              "403": _answer("The phone is someone else's (code forbidden)", _ref("Error")),
                              "409": _answer("The key cannot be opened any more (code escrow_unavailable)",
                                             _ref("Error")),
                              **SESSION_ERRORS}}},
            "/sync/device/escrow": {"post": {
                "summary": "A phone registered before the app locked gets its escrow key, once",
                "security": [{"device": []}],
                "responses": {"200": _answer("escrow_key (base64url, 32 bytes)"),
                              "403": _answer("The phone has its key already (code forbidden)", _ref("Error")),
                              **ERRORS}}},
            "/sync/device/retire": {"post": {"summary": "Sign this device out (its token stops working)",
                                             "security": [{"device": []}],
                                             "responses": {"200": _answer("Retired"), **ERRORS}}},
            "/sync/conflicts/{conflict_id}/resolve": {"post": {
                "summary": "Resolve a conflict: keep mine, keep theirs, or store an edited value",
                "security": [{"device": []}],
                "parameters": [{"name": "conflict_id", "in": "path", "required": True, "schema": uuid_string}],
                "requestBody": _json_body({"type": "object", "required": ["choice"], "properties": {
                    "choice": {"enum": ["mine", "theirs", "edit"]}, "value": {}}}),
                "responses": {"200": _answer("Resolved"), "404": _answer("No such conflict", _ref("Error")),
                              "409": _answer("Already resolved", _ref("Error")), **ERRORS}}},
            **push_paths(),
        }),
    }
