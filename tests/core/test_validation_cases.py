"""The server's field checks against the table of cases the phone's checks answer too.

tests/validation_cases.json is the one list of what each kind of field accepts, what it
stores and what it says otherwise; tests/js/validation.test.mjs runs the same table against
webapp/static/js/schema.js, so the two checkers cannot drift apart unnoticed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest

from webapp.core import fieldspec
from webapp.core.fieldspec import FieldSpec, RecordSchema

TABLE = json.loads(
    (Path(__file__).resolve().parents[1] / "validation_cases.json").read_text(encoding="utf-8")
)


def _field(name: str) -> FieldSpec:
    published = dict(TABLE["fields"][name])
    if "choices" in published:
        published["choices"] = tuple(published["choices"])
    return FieldSpec(**published)


def _lookup(kind: str) -> list[str]:
    return TABLE["vocabularies"][kind]


def _as_json(value):
    """A stored value as the table writes it."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _case_id(case: dict) -> str:
    return f"{case['field']}-{'missing' if case.get('missing') else json.dumps(case['input'])}"


@pytest.mark.parametrize("case", TABLE["cases"], ids=_case_id)
def test_the_server_checks_each_case_as_the_table_says(case):
    name = case["field"]
    schema = RecordSchema("case", [_field(name)], default_vocabulary=_lookup)
    checked = schema.validate({} if case.get("missing") else {name: case["input"]})
    if case["ok"]:
        assert checked.errors == {}
        # Compared as JSON text, so that 3 and 3.0, or 1 and true, are told apart.
        assert json.dumps(_as_json(checked.values[name])) == json.dumps(case["value"])
    else:
        assert checked.errors == {name: case["message"]}


def test_the_table_speaks_the_published_form_of_each_field():
    for name, published in TABLE["fields"].items():
        assert _field(name).to_json() == published, name


def test_the_table_has_cases_of_every_kind_of_field():
    kinds = {TABLE["fields"][case["field"]]["kind"] for case in TABLE["cases"]}
    assert kinds == set(fieldspec._CLEANERS)


def test_a_schema_with_a_vocabulary_field_needs_a_way_to_its_codes():
    with pytest.raises(TypeError):
        RecordSchema("case", [_field("region")])
