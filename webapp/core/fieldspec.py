"""Field rules written once, used by the desk forms, the sync API and the device.

A ``RecordSchema`` lists the fields a person (or a device) may set on one kind of record,
with their type and limits. ``validate()`` turns submitted values into clean Python values
plus a sentence per bad field; ``SchemaForm`` runs it for a Flask-WTF page; the sync API
runs it for each pushed change; ``to_json()`` is published so the phone can check as the
practitioner types. No rule is written a second time anywhere: the phone's check
(``webapp/static/js/schema.js``) reads the published rules, and one table of cases
(``tests/validation_cases.json``) holds both sides to the same answers.

This module knows no feature: the codes a vocabulary field takes come from the lookup a
caller passes to ``validate()``, or else from the schema's ``default_vocabulary``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

# Resolves a vocabulary name ("region", "complaint", ...) to the codes allowed here.
VocabularyLookup = Callable[[str], Iterable[str]]
# Field name to its clean Python value: str, list[str], date, datetime, int, float, bool,
# UUID or None, as the field's kind says (the callers know which field holds which).
CleanValues = dict[str, Any]
# A published rule, ready for json.dumps.
RuleJSON = dict[str, Any]

# What a value sent as text must look like (the phone's schema.js uses the same patterns).
# Spaces are what either language calls a space (Python's str.strip() keeps U+FEFF and
# JavaScript's trim() keeps U+001C to U+001F and U+0085), so that both trim alike.
SPACES = re.compile(r"^[\s\ufeff]+|[\s\ufeff]+$")
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
    r"(?P<zone>Z|[+-](?P<hours>[0-9]{2}):(?P<minutes>[0-9]{2}))?"
)
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


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

    def to_json(self) -> RuleJSON:
        data: RuleJSON = {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "required": self.required,
        }
        for key in ("max_length", "minimum", "maximum", "vocabulary"):
            value = getattr(self, key)
            if value is not None:
                data[key] = value
        if self.choices:
            data["choices"] = list(self.choices)
        return data


@dataclass
class Validated:
    values: CleanValues = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class RecordSchema:
    """The settable fields of one record type, and how to check them."""

    def __init__(
        self, entity: str, fields: list[FieldSpec], *, default_vocabulary: VocabularyLookup | None = None
    ) -> None:
        """``default_vocabulary`` gives a vocabulary's codes when validate() is given no lookup."""
        self.entity = entity
        self.fields = {spec.name: spec for spec in fields}
        self.default_vocabulary = default_vocabulary
        unresolved = [spec.name for spec in fields if spec.vocabulary and default_vocabulary is None]
        if unresolved:
            raise TypeError(f"{entity}: {', '.join(unresolved)} take a vocabulary; pass default_vocabulary.")

    def validate(
        self, data: Mapping[str, object], *, partial: bool = False, vocabulary: VocabularyLookup | None = None
    ) -> Validated:
        """Check ``data``; with ``partial`` only the fields present are checked (an update)."""
        result = Validated()
        vocabulary = vocabulary or self.default_vocabulary
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

    def to_json(self) -> RuleJSON:
        return {"entity": self.entity, "fields": [spec.to_json() for spec in self.fields.values()]}


def _strip(text: str) -> str:
    # str.strip() drops exactly the characters \s matches (both ask Unicode's isspace) and is
    # many times faster on a long note than the pattern, which tries every inner space as
    # the start of a trailing run; only a byte-order mark at an end needs the pattern.
    stripped = text.strip()
    if stripped.startswith("\ufeff") or stripped.endswith("\ufeff"):
        return SPACES.sub("", text)
    return stripped


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not _strip(value)) or value == []


def _clean(spec: FieldSpec, value: object, vocabulary: VocabularyLookup | None) -> object:
    if _blank(value):
        if spec.required:
            raise ValueError(
                f"Enter {spec.label.lower()}."
                if spec.kind not in ("choice", "choices", "bool")
                else f"Choose {spec.label.lower()}."
            )
        return _empty(spec)
    cleaner = _CLEANERS[spec.kind]
    return cleaner(spec, value, vocabulary)


def _empty(spec: FieldSpec) -> str | list[str] | None:
    if spec.kind in ("text", "longtext"):
        return ""
    if spec.kind == "choices":
        return []
    return None


def _stripped(value: object) -> str:
    """Text as sent, without surrounding spaces; anything else as no text at all."""
    return _strip(value) if isinstance(value, str) else ""


def _number_words(number: float) -> str:
    """A limit as a sentence shows it: 24, 0.5 (as JavaScript writes numbers too)."""
    return str(int(number)) if float(number).is_integer() else repr(float(number))


def _text(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{spec.label} must be text.")
    value = _strip(value)
    if "\x00" in value:  # no one types it, and PostgreSQL cannot store it in text
        raise ValueError(f"{spec.label} contains a character that cannot be stored.")
    if spec.max_length and len(value) > spec.max_length:
        raise ValueError(f"{spec.label} can be at most {spec.max_length} characters long.")
    return value


def _date(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        parsed = value
    else:
        text = _stripped(value)
        try:
            if not DATE.fullmatch(text):
                raise ValueError(text)
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"{spec.label} must be a date, like 2026-03-21.") from None
    if spec.minimum is not None and parsed.year < spec.minimum:
        raise ValueError(f"{spec.label} must be in the year {_number_words(spec.minimum)} or later.")
    if spec.maximum is not None and parsed.year > spec.maximum:
        raise ValueError(f"{spec.label} must be in the year {_number_words(spec.maximum)} or earlier.")
    return parsed


def _datetime(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> dt.datetime:
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        text = _stripped(value)
        match = DATETIME.fullmatch(text)
        try:
            if not match or (match["hours"] and (int(match["hours"]) > 23 or int(match["minutes"]) > 59)):
                raise ValueError(text)
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{spec.label} must be a date and time.") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{spec.label} must include its time zone.")
    try:
        return parsed.astimezone(dt.UTC)
    except OverflowError:  # the first or last hours of the calendar, once moved to UTC
        raise ValueError(f"{spec.label} must be a date and time between the years 1 and 9999.") from None


def _check_range(spec: FieldSpec, number: float) -> None:
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"{spec.label} must be at least {_number_words(spec.minimum)}.")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"{spec.label} must be at most {_number_words(spec.maximum)}.")


def _int(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> int:
    # JSON cannot tell 3 from 3.0 (JavaScript has one kind of number): both are whole numbers.
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif WHOLE_NUMBER.fullmatch(_stripped(value)):
        number = int(_stripped(value))
    else:
        raise ValueError(f"{spec.label} must be a whole number.")
    _check_range(spec, number)
    return number


def _decimal(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = Decimal(str(value)) if math.isfinite(value) else None
    else:
        number = Decimal(_stripped(value)) if NUMBER.fullmatch(_stripped(value)) else None
    if number is None or not math.isfinite(float(number)):  # 1e400 is a number no one can store
        raise ValueError(f"{spec.label} must be a number, like 1.5.")
    _check_range(spec, float(number))  # compared as the phone compares: as a double
    return float(number)


def _bool(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> bool:
    # Only true or false: a form turns its own yes/no into one of them (clients/forms.py).
    if isinstance(value, bool):
        return value
    raise ValueError(f"{spec.label} must be yes or no.")


def _allowed(spec: FieldSpec, vocabulary: VocabularyLookup | None) -> Set[str]:
    if spec.choices:
        return set(spec.choices)
    if spec.vocabulary and vocabulary is not None:
        codes = vocabulary(spec.vocabulary)
        return codes if isinstance(codes, set | frozenset) else set(codes)
    return set()


def _choice(spec: FieldSpec, value: object, vocab: VocabularyLookup | None) -> str:
    if not isinstance(value, str) or value not in _allowed(spec, vocab):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    return value


def _choices(spec: FieldSpec, value: object, vocab: VocabularyLookup | None) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    allowed = _allowed(spec, vocab)
    if any(v not in allowed for v in value):
        raise ValueError(f"Choose {spec.label.lower()} from the list.")
    return list(dict.fromkeys(value))  # no repeats, order kept


def _uuid(spec: FieldSpec, value: object, _vocab: VocabularyLookup | None) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    if not UUID.fullmatch(_stripped(value)):
        raise ValueError(f"{spec.label} is not a valid reference.")
    return uuid.UUID(_stripped(value))


# Turns one sent value of a field into its clean value, or raises ValueError with the sentence.
Cleaner = Callable[[FieldSpec, object, VocabularyLookup | None], object]

_CLEANERS: dict[str, Cleaner] = {
    "text": _text,
    "longtext": _text,
    "date": _date,
    "datetime": _datetime,
    "int": _int,
    "decimal": _decimal,
    "bool": _bool,
    "choice": _choice,
    "choices": _choices,
    "uuid": _uuid,
}
