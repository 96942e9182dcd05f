"""The API's bodies, defined once: pydantic models validate what a call receives, and the same
models write the OpenAPI document's schemas (webapp/openapi.py), so the two cannot drift.

``read(Model, payload)`` gives a validated model or raises ``ApiError`` with a stable code:
``bad_json`` (no JSON object at all), ``unknown_fields`` (a field the document does not name),
the model's own code for a list that is too long, else ``invalid_request``; the message says
where and what, in one sentence.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from webapp.core.api import ApiError


def _whole_number(value: Any) -> Any:
    """JSON's 3 and 3.0 are the same whole number; true, "3" and 3.5 are not."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


WholeNumber = Annotated[int, BeforeValidator(_whole_number)]


class Body(BaseModel):
    """A request body: every field it may have is named, and anything else is refused."""

    model_config = ConfigDict(extra="forbid", strict=False)
    # The code (and status) for a list in it that is longer than allowed, and for the rest.
    too_long: ClassVar[tuple[int, str]] = (400, "invalid_request")
    invalid_code: ClassVar[str] = "invalid_request"


class Answer(BaseModel):
    """An answer's content, for the document (answers are built by the views, not parsed)."""

    model_config = ConfigDict(extra="allow")


def _where(location: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for part in location:
        parts.append(f"[{part + 1}]" if isinstance(part, int) else f".{part}" if parts else str(part))
    return "".join(parts) or "the body"


M = TypeVar("M", bound=Body)


def read(model: type[M], payload: Any) -> M:
    """``payload`` (parsed JSON) as ``model``; ApiError for anything the document does not allow."""
    if not isinstance(payload, dict):
        raise ApiError(
            400,
            "bad_json" if payload is None else "invalid_request",
            "The body must be a JSON object." if payload is None else "The body must be an object.",
        )
    try:
        return model.model_validate(payload)
    except ValidationError as invalid:
        problem = invalid.errors(include_url=False)[0]
        where = _where(tuple(problem["loc"]))
        if problem["type"] == "extra_forbidden":
            raise ApiError(400, "unknown_fields", f"Unknown field in the request: {where}.") from None
        if problem["type"] == "too_long":
            status, code = model.too_long
            raise ApiError(
                status,
                code,
                f"{where} has more items than allowed ({problem['ctx'].get('max_length')} at most).",
            ) from None
        raise ApiError(400, model.invalid_code, f"{where}: {problem['msg'].rstrip('.')}.") from None


def schemas(*models: type[BaseModel]) -> dict[str, Any]:
    """The JSON schemas of ``models`` and of every model they use, as OpenAPI components."""
    components: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(
            ref_template="#/components/schemas/{model}",
            mode="validation" if issubclass(model, Body) else "serialization",
        )
        components.update(schema.pop("$defs", {}))
        components[model.__name__] = schema
    return components
