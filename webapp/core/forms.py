"""A Flask-WTF form whose rules come from a RecordSchema (see webapp.core.fieldspec)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from flask_wtf import FlaskForm
from wtforms import Field, SelectField

# types-WTForms describes WTForms 3.2, and SelectChoice is new in 3.3.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from webapp.core.fieldspec import CleanValues, RecordSchema, Validated, VocabularyLookup


class SchemaForm(FlaskForm):  # type: ignore[misc]  # Flask-WTF ships no types: FlaskForm is Any
    """Subclasses set ``schema`` and declare fields named like the schema's fields.

    WTForms handles widgets and keeps what the user typed; the schema decides what is valid,
    so the page and the sync API can never disagree. After ``validate()``, ``cleaned`` holds
    the values to store.
    """

    schema: RecordSchema
    cleaned: CleanValues
    # Values the page fixes rather than the user types (e.g. the client a history is for).
    fixed_values: dict[str, object] | None = None
    # Where to show the error of a schema field the page builds from other inputs.
    error_fields: dict[str, str] = {}

    def schema_data(self) -> dict[str, object]:
        data: dict[str, object] = {name: self[name].data for name in self.schema.fields if name in self}
        data.update(self.fixed_values or {})
        return data

    def validate(
        self, extra_validators: dict[str, list[Any]] | None = None, vocabulary: VocabularyLookup | None = None
    ) -> bool:
        basic_ok: bool = super().validate(extra_validators)
        result: Validated = self.schema.validate(self.schema_data(), vocabulary=vocabulary)
        for name, message in result.errors.items():
            name = self.error_fields.get(name, name)
            if name in self and message not in self[name].errors:
                self[name].errors = [*self[name].errors, message]
        self.cleaned = result.values
        return basic_ok and result.ok


FieldValue = TypeVar("FieldValue", covariant=True)


class HoldsData(Protocol[FieldValue]):
    """A WTForms field: its ``data`` is typed as possibly None, being None before any input."""

    @property
    def data(self) -> FieldValue | None: ...


def required_value(field: HoldsData[FieldValue]) -> FieldValue:
    """The value of a field whose DataRequired or InputRequired validator has passed."""
    if field.data is None:
        raise ValueError("a required field read before its form validated")
    return field.data


def add_error(field: Field, message: str) -> None:
    """Show ``message`` under ``field`` as well, after the form validated."""
    if isinstance(field.errors, list):  # validate() made it a list: add to that very list
        field.errors.append(message)
    else:
        field.errors = [*field.errors, message]


def options(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """(value, label) pairs as select options."""
    return [SelectChoice(value, label) for value, label in pairs]


class SchemaSelectField(SelectField):
    """A select whose value the schema checks, so a bad value gets the schema's sentence."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("validate_choice", False)
        if "choices" in kwargs:
            kwargs["choices"] = options(kwargs["choices"])
        super().__init__(*args, **kwargs)
