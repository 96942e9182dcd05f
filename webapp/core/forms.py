"""A Flask-WTF form whose rules come from a RecordSchema (see webapp.core.fieldspec)."""

from __future__ import annotations

from flask_wtf import FlaskForm

from webapp.core.fieldspec import RecordSchema, Validated


class SchemaForm(FlaskForm):
    """Subclasses set ``schema`` and declare fields named like the schema's fields.

    WTForms handles widgets and keeps what the user typed; the schema decides what is valid,
    so the page and the sync API can never disagree. After ``validate()``, ``cleaned`` holds
    the values to store.
    """

    schema: RecordSchema
    cleaned: dict

    def schema_data(self) -> dict:
        return {name: self[name].data for name in self.schema.fields if name in self}

    def validate(self, extra_validators=None, vocabulary=None) -> bool:
        basic_ok = super().validate(extra_validators)
        result: Validated = self.schema.validate(self.schema_data(), vocabulary=vocabulary)
        for name, message in result.errors.items():
            if name in self and message not in self[name].errors:
                self[name].errors = [*self[name].errors, message]
        self.cleaned = result.values
        return basic_ok and result.ok
