"""A case history's fields have one set of words: the schema's, on every page that shows them."""

from __future__ import annotations

from markupsafe import escape

from tests import factories
from webapp.clients.schemas import CASE_HISTORY

LABELS = [str(escape(spec.label)) for spec in CASE_HISTORY.fields.values() if spec.kind != "uuid"]


def test_the_desks_case_history_form_and_the_record_use_the_schemas_words(login, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    factories.make_case_history(client, reported_diagnoses="Sciatica, said the GP", takes_magnesium=True)
    browser = login(practitioner)
    form = browser.get(f"/clients/{client.id}/case-history").get_data(as_text=True)
    record = browser.get(f"/clients/{client.id}/record").get_data(as_text=True)
    for label in LABELS:
        assert f">{label}<" in form, label
        assert f"<dt>{label}</dt>" in record, label
    assert "<dd>Accountant</dd>" in record and "<dd>Yes</dd>" in record
