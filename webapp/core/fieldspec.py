"""Field rules written once, used by the desk forms, the sync API and the device.

A ``RecordSchema`` lists the fields a person (or a device) may set on one kind of record,
with their type and limits. ``validate()`` turns submitted values into clean Python values
plus a sentence per bad field; ``SchemaForm`` runs it for a Flask-WTF page; the sync API
runs it for each pushed change; ``to_json()`` is published so the phone can check as the
practitioner types. No rule is written a second time anywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

# Resolves a vocabulary name ("region", "complaint", ...) to the codes allowed here.
VocabularyLookup = Callable[[str], Iterable[str]]


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str  # text | longtext | date | datetime | int | decimal | bool | choice | choices | uuid
    required: bool = False
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # fixed codes, for choice / choices
    vocabulary: str | None = None  # or codes from a vocabulary, for choice / choices
    hint: str = ""

    def to_json(self) -> dict:
        data = {"name": self.name, "label": self.label, "kind": self.kind, "required": self.required}
        for key in ("max_length", "minimum", "maximum", "vocabulary"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.choices:
            data["choices"] = list(self.choices)
        return data


@dataclass
class Validated:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class RecordSchema:
    """The settable fields of one record type, and how to check them."""

    def __init__(self, entity: str, fields: list[FieldSpec]):
        self.entity = entity
        self.fields = {spec.name: spec for spec in fields}

    def validate(self, data: dict, *, partial: bool = False,
                 vocabulary: VocabularyLookup | None = None) -> Validated:
        """Check ``data``; with ``partial`` only the fields present are checked (an update)."""
        result = Validated()
        unknown = sorted(set(data) - set(self.fields))
        for name in unknown:
            result.errors[name] = "This field is not known."
        for name, spec in self.fields.items():
            if partial and name not in data:
                continue
            try:
                value = _clean(spec, data.get(name), vocabulary)
            except ValueError as problem:
                result.errors[name] = str(problem)
                continue
            result.values[name] = value
        return result

    def to_json(self) -> dict:
        return {"entity": self.entity, "fields": [spec.to_json() for spec in self.fields.values()]}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean(spec: FieldSpec, value, vocabulary: VocabularyLookup | None):
    if _blank(value):
        if spec.required:
            raise ValueError(f"Enter {spec.label.lower()}." if spec.kind not in ("choice", "choices", "bool")
                             else f"Choose {spec.label.lower()}.")
        return _empty(spec)
    cleaner = _CLEANERS[spec.kind]
    return cleaner(spec, value, vocabulary)


def _empty(spec: FieldSpec):
    if spec.kind in ("text", "longtext"):
        return ""
    if spec.kind == "choices":
        return []
    return None


def _text(spec, value, _vocab):
    if not isinstance(value, str):
        raise ValueError(f"{spec.label} must be text.")
    value = value.strip()
    if "\x00" in value:  # no one types it, and PostgreSQL cannot store it in text
        raise ValueError(f"{spec.label} contains a character that cannot be stored.")
    if spec.max_length and len(value) > spec.max_length:
        raise ValueError(f"{spec.label} can be at most {spec.max_length} characters long.")
    return value


def _date(spec, value, _vocab):
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        parsed = value
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{spec.label} must be a date, like 2026-03-21.") from None
    _check_range(spec, parsed.year, label="year")
    return parsed


def _datetime(spec, value, _vocab):
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{spec.label} must be a date and time.") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{spec.label} must include its time zone.")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # the first or last hours of the calendar, once moved to UTC
        raise ValueError(f"{spec.label} must be a date and time between the years 1 and 9999.") from None


def _check_range(spec, number, label=None):
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"{spec.label} must be at least {spec.minimum:g}" + (f" ({label})." if label else "."))
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"{spec.label} must be at most {spec.maximum:g}" + (f" ({label})." if label else "."))


def _int(spec, value, _vocab):
    if isinstance(value, bool):
        raise ValueError(f"{spec.label} must be a whole number.")
    try:
        number = int(str(value).strip()) if not isinstance(value, int) else value
    except ValueError:
        raise ValueError(f"{spec.label} must be a whole number.") from None
    _check_range(spec, number)
    return number


def _decimal(spec, value, _vocab):
    if isinstance(value, bool):
        raise ValueError(f"{spec.label} must be a number.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{spec.label} must be a number, like 1.5.") from None
    if not number.is_finite():
        raise ValueError(f"{spec.label} must be a number, like 1.5.")
    _check_range(spec, number)
    return float(number)


def _bool(spec, value, _vocab):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "y", "1", "on"):
        return True
    if text in ("false", "no", "n", "0", "off"):
        return False
    raise ValueError(f"{spec.label} must be yes or no.")


def _allowed(spec, vocabulary: VocabularyLookup | None) -> set[str]:
    if spec.choices:
        return set(spec.choices)
    if spec.vocabulary and vocabulary is not None:
        return set(vocabulary(spec.vocabulary))
    if spec.vocabulary:
        from webapp.vocab.services import default_codes

        return set(default_codes(spec.vocabulary))
    return set()


def _choice(spec, value, vocab):
    if not isinstance(value, str) or value not in _allowed(spec, vocab):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    return value


def _choices(spec, value, vocab):
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    allowed = _allowed(spec, vocab)
    if any(v not in allowed for v in value):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    return list(dict.fromkeys(value))  # no repeats, order kept


def _uuid(spec, value, _vocab):
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValueError(f"{spec.label} is not a valid reference.") from None


_CLEANERS = {
    "text": _text, "longtext": _text, "date": _date, "datetime": _datetime, "int": _int,
    "decimal": _decimal, "bool": _bool, "choice": _choice, "choices": _choices, "uuid": _uuid,
}
