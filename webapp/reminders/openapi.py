"""The reminder endpoints' part of the OpenAPI document (``/api/v1/openapi.json``)."""

from __future__ import annotations

from webapp.core.openapi import answer, json_body, ref
from webapp.core.wire import schemas as wire_schemas
from webapp.reminders.wire import EndpointBody, SubscriptionBody

UUID = {"type": "string", "format": "uuid"}
# The phone calls with its device token; a desk browser with its signed-in web session, and
# then changes also need the X-CSRFToken header.
SESSION: list[dict[str, list[str]]] = [{"device": []}, {"session": []}]


SUBSCRIPTION = {
    "type": "object",
    "properties": {
        "id": UUID,
        "label": {"type": "string"},
        "endpoint": {"type": "string", "format": "uri"},
        "created_at": {"type": "string", "format": "date-time"},
        "last_success_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
ERROR = ref("Error")
UNAUTHENTICATED = answer(
    "Not signed in, or the device was revoked (code unauthenticated or device_revoked)", ERROR
)
BAD_REQUEST = answer(
    "Malformed, or (with a session) a missing or expired CSRF token (code csrf_failed)", ERROR
)
NOT_FOUND = answer("No such subscription of yours", ERROR)
BY_ID = [{"name": "subscription_id", "in": "path", "required": True, "schema": UUID}]


def paths() -> dict:
    return {
        "/push/vapid-public-key": {
            "get": {
                "summary": "The clinic's VAPID public key, for PushManager.subscribe",
                "security": SESSION,
                "responses": {"200": answer("vapid_public_key"), "401": UNAUTHENTICATED},
            }
        },
        "/push/subscriptions": {
            "get": {
                "summary": "Your browsers that receive reminders",
                "security": SESSION,
                "responses": {
                    "200": answer(
                        "subscriptions",
                        {
                            "type": "object",
                            "properties": {"subscriptions": {"type": "array", "items": SUBSCRIPTION}},
                        },
                    ),
                    "401": UNAUTHENTICATED,
                },
            },
            "post": {
                "summary": "Receive reminders in this browser (its PushSubscription as JSON)",
                "security": SESSION,
                "requestBody": json_body(ref("SubscriptionBody")),
                "responses": {
                    "201": answer("Subscribed"),
                    "200": answer("Already subscribed; updated"),
                    "400": answer(
                        "Not a usable subscription (code invalid_subscription), or a "
                        "missing CSRF token (csrf_failed)",
                        ERROR,
                    ),
                    "401": UNAUTHENTICATED,
                    "409": answer(
                        "The endpoint brings someone else their reminders (code endpoint_taken)", ERROR
                    ),
                },
            },
            "delete": {
                "summary": "This browser stops receiving reminders (named by its endpoint)",
                "security": SESSION,
                "requestBody": json_body(ref("EndpointBody")),
                "responses": {
                    "200": answer("Removed"),
                    "400": BAD_REQUEST,
                    "404": NOT_FOUND,
                    "401": UNAUTHENTICATED,
                },
            },
        },
        "/push/subscriptions/{subscription_id}": {
            "delete": {
                "summary": "Stop reminders to one of your browsers",
                "security": SESSION,
                "parameters": BY_ID,
                "responses": {
                    "200": answer("Removed"),
                    "400": BAD_REQUEST,
                    "404": NOT_FOUND,
                    "401": UNAUTHENTICATED,
                },
            }
        },
        "/push/subscriptions/{subscription_id}/test": {
            "post": {
                "summary": "Send a test reminder to one of your browsers now",
                "security": SESSION,
                "parameters": BY_ID,
                "responses": {
                    "200": answer("result: sent, pending, failed, lost or gone"),
                    "400": BAD_REQUEST,
                    "404": NOT_FOUND,
                    "401": UNAUTHENTICATED,
                },
            }
        },
    }


def schemas() -> dict:
    """The reminder calls' bodies, written from the models that read them (reminders/wire.py)."""
    return wire_schemas(SubscriptionBody, EndpointBody)
