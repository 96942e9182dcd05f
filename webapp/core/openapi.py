"""Building the OpenAPI document: fragment helpers, and the envelope every answer shares.

Each feature describes its own paths (sync/openapi.py, reminders/openapi.py); the document
is put together in webapp/openapi.py, above them all.
"""

from __future__ import annotations

from typing import Any

# A fragment of the OpenAPI document (a schema, an operation, the paths), ready for JSON.
Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: Schema, required: bool = True) -> Schema:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def answer(description: str, schema: Schema | None = None) -> Schema:
    described: Schema = {"description": description}
    if schema:
        described["content"] = {"application/json": {"schema": schema}}
    return described


def with_envelope(paths: Schema) -> Schema:
    """Every success answer is made by ``ok()``: the envelope, then what the answer carries."""
    for operations in paths.values():
        for operation in operations.values():
            for status, described in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = described.setdefault("content", {"application/json": {"schema": ref("Success")}})
                schema = content["application/json"]["schema"]
                if schema != ref("Success") and ref("Success") not in schema.get("allOf", []):
                    content["application/json"]["schema"] = {"allOf": [ref("Success"), schema]}
    return paths


def envelope_schemas(error_codes: list[str]) -> Schema:
    """The success and error envelopes (webapp/core/api.py), with every error code there is."""
    return {
        "Success": {
            "type": "object",
            "required": ["ok", "api_version", "rules_revision", "server_time"],
            "properties": {
                "ok": {"const": True},
                "api_version": {"type": "integer"},
                "rules_revision": {"type": "string"},
                "server_time": {
                    "type": "string",
                    "format": "date-time",
                    "description": "The server's clock (UTC) as it answered: the phone keeps "
                    "server_time minus its own clock as its offset "
                    "(docs/sync-protocol.md, Time)",
                },
            },
        },
        "Error": {
            "type": "object",
            "required": ["ok", "error"],
            "properties": {
                "ok": {"const": False},
                "error": {
                    "type": "object",
                    "required": ["code", "message"],
                    "properties": {
                        "code": {"type": "string", "enum": error_codes},
                        "message": {"type": "string"},
                        "reason": {
                            "type": "string",
                            "description": "more precise than the code, where it helps "
                            "(lapsed, stale_sign_in)",
                        },
                        "server_id": {
                            "type": "string",
                            "format": "uuid",
                            "description": "With server_restored: the identity of the database now",
                        },
                        "restored_version": {
                            "type": "integer",
                            "description": "With server_restored: the last version the restored "
                            "database holds (versions written after the restore start far above it)",
                        },
                    },
                },
            },
        },
    }
