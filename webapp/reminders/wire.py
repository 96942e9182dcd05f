"""The reminder calls' bodies, defined once (webapp/core/wire.py): the views read requests
with them, and the OpenAPI document's schemas are written from them."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import ConfigDict, Field

from webapp.core.wire import Body


class SubscriptionKeys(Body):
    model_config = ConfigDict(extra="ignore")
    p256dh: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z0-9_-]{87}=?$",
            description="base64url of an uncompressed P-256 point (65 bytes)",
        ),
    ]
    auth: Annotated[
        str, Field(pattern=r"^[A-Za-z0-9_-]{22}(==)?$", description="base64url of 16 random bytes")
    ]


class SubscriptionBody(Body):
    """A browser's PushSubscription, as its toJSON() gives it (expirationTime and the like are ignored)."""

    model_config = ConfigDict(extra="ignore")
    invalid_code: ClassVar[str] = "invalid_subscription"
    endpoint: Annotated[str, Field(max_length=2000, json_schema_extra={"format": "uri"})]
    keys: SubscriptionKeys


class EndpointBody(Body):
    """A browser that stops its own reminders names its endpoint (it does not know our id)."""

    model_config = ConfigDict(extra="ignore")
    endpoint: Annotated[str, Field(max_length=2000)]
