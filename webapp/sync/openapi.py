"""The sync API's part of the OpenAPI document (assembled in webapp/openapi.py)."""

from __future__ import annotations

from webapp.core.openapi import answer, json_body, ref
from webapp.sync.changes import MAX_CHANGES
from webapp.sync.entities import ENTITIES
from webapp.sync.parking import MAX_PARKED
from webapp.sync.pull import DEFAULT_LIMIT

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
    "bad_json", "invalid_request", "unknown_fields", "batch_too_large", "too_many_changes", "too_large",
    "bad_cursor", "unauthenticated", "device_revoked", "csrf_failed", "forbidden", "not_found",
    "method_not_allowed", "already_resolved", "invalid", "invalid_subscription", "endpoint_taken", "in_progress",
    "escrow_unavailable",
    "rate_limited", "bad_request", "server_error"]
# The code of a rejected change in a push's results (null for applied and conflict).
RESULT_CODES = ["invalid", "not_found", "change_id_reused", "in_future"]


def schemas() -> dict:
    uuid_string = UUID
    return {
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
                    "record": {"oneOf": [ref("Record"), {"type": "null"}]},
                    "conflicts": {"type": "array", "items": ref("Conflict")},
                    "errors": {"type": "object", "additionalProperties": {"type": "string"}},
                    "code": {"enum": [*RESULT_CODES, None],
                             "description": "Why a change was rejected: invalid (see errors), not_found (outside "
                                            "the caseload), change_id_reused, in_future (a visit starting more "
                                            "than the future tolerance after server_time; errors.started_at "
                                            "says so)"},
                    "merged_into": uuid_string}}
    }


def paths() -> dict:
    uuid_string = UUID
    return {
            "/session": {"get": {"summary": "Who is signed in, and a CSRF token for /devices",
                                 "security": [{"session": []}],
                                 "responses": {"200": answer("The signed-in user"),
                                               "401": SESSION_ERRORS["401"]}}},
            "/devices": {"post": {"summary": "Register this browser as a device; returns its token once",
                                  "security": [{"session": []}],
                                  "requestBody": dict(json_body({"type": "object", "properties": {
                                      "label": {"type": ["string", "null"], "maxLength": 120}}}), required=False),
                                  "responses": {"201": answer("device_id and device_token"),
                                                "403": answer("Only practitioners register devices (code forbidden)",
                                                               ref("Error")),
                                                **SESSION_ERRORS, **TOO_LARGE}}},
            "/schema": {"get": {"summary": "Field rules and vocabularies, for checking as the user types",
                                "security": [{"device": []}], "responses": {"200": answer("The rules"), **ERRORS}}},
            "/sync/push": {"post": {
                "summary": "Apply a batch of changes in one transaction, at most once each",
                "security": [{"device": []}],
                "requestBody": json_body({"type": "object", "additionalProperties": False, "required": ["changes"],
                                           "properties": {"pending": {"type": ["integer", "null"], "minimum": 0},
                                                          "changes": {"type": "array", "maxItems": MAX_CHANGES,
                                                                      "items": ref("Change")}}}),
                "responses": {"200": answer("One result per change, in order", {"type": "object", "properties": {
                    "results": {"type": "array", "items": ref("Result")}}}),
                    "409": answer("The same changes are being stored by another request at this moment; send "
                                   "them again (code in_progress)", ref("Error")),
                    "413": answer("More changes than allowed (code batch_too_large), or too large a body "
                                   "(too_large)", ref("Error")), **ERRORS}}},
            "/sync/pull": {"get": {
                "summary": "Changes on the caseload since the cursor (everything without one)",
                "security": [{"device": []}],
                "parameters": [{"name": "cursor", "in": "query", "description": "Opaque: as the last pull gave it",
                                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]*$"}},
                               {"name": "limit", "in": "query",
                                "schema": {"type": "integer", "minimum": 1, "maximum": DEFAULT_LIMIT}}],
                "responses": {"200": answer("Records, evicted clients, open conflicts, the next cursor",
                                             {"type": "object", "properties": {
                                                 "records": {"type": "array", "items": ref("Record")},
                                                 "evict": {"type": "array", "items": uuid_string},
                                                 "conflicts": {"type": "array", "items": ref("Conflict")},
                                                 "cursor": {"type": "string"}, "more": {"type": "boolean"}}}),
                              **ERRORS}}},
            "/sync/park": {"post": {"summary": "Hand refused changes for a client who left the caseload to the desk",
                                    "security": [{"device": []}],
                                    "requestBody": json_body({"type": "object", "required": ["client_id", "changes"],
                                                               "properties": {"client_id": uuid_string,
                                                                              "changes": {"type": "array",
                                                                                          "maxItems": MAX_PARKED,
                                                                                          "items": ref("Parked")}}}),
                                    "responses": {"200": answer("Parked (a retry parks nothing twice)"),
                                                  "404": answer("Not a client of this caseload", ref("Error")),
                                                  **ERRORS, **TOO_LARGE}}},
            "/devices/escrow": {"post": {
                "summary": "After a sign-in on the phone: its escrow key, and a renewed (even lapsed) token",
                "security": [{"session": []}],
                "requestBody": json_body({"type": "object", "required": ["device_id", "proof"], "properties": {
                    "device_id": uuid_string,
                    "proof": {"type": "string", "description": "hex SHA-256 of the device token"}}}),
                "responses": {"200": answer("escrow_key (base64url, 32 bytes)"),
                              "403": answer("The phone is someone else's (code forbidden)", ref("Error")),
                              "409": answer("The key cannot be opened any more (code escrow_unavailable)",
                                             ref("Error")),
                              **SESSION_ERRORS}}},
            "/sync/device/escrow": {"post": {
                "summary": "A phone registered before the app locked gets its escrow key, once",
                "security": [{"device": []}],
                "responses": {"200": answer("escrow_key (base64url, 32 bytes)"),
                              "403": answer("The phone has its key already (code forbidden)", ref("Error")),
                              **ERRORS}}},
            "/sync/device/retire": {"post": {"summary": "Sign this device out (its token stops working)",
                                             "security": [{"device": []}],
                                             "responses": {"200": answer("Retired"), **ERRORS}}},
            "/sync/conflicts/{conflict_id}/resolve": {"post": {
                "summary": "Resolve a conflict: keep mine, keep theirs, or store an edited value",
                "security": [{"device": []}],
                "parameters": [{"name": "conflict_id", "in": "path", "required": True, "schema": uuid_string}],
                "requestBody": json_body({"type": "object", "required": ["choice"], "properties": {
                    "choice": {"enum": ["mine", "theirs", "edit"]}, "value": {}}}),
                "responses": {"200": answer("Resolved"), "404": answer("No such conflict", ref("Error")),
                              "409": answer("Already resolved", ref("Error")), **ERRORS}}},
    }
