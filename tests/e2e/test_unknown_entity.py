"""A record of a kind the phone does not know (a newer server) is kept aside and shown, never
dropped; it is stored for real once an update knows its kind, and leaves with its client."""

from __future__ import annotations

import uuid

import pytest

from tests import factories
from tests.e2e.helpers import expect, sign_in
from webapp.auth.models import Clinic, Role
from webapp.clients.models import Client

pytestmark = pytest.mark.e2e

# Sync now, and return once that sync is over (the indicator says idle before it starts, too).
SYNC = "async () => (await import('/static/js/sync.js')).syncNow()"
KEPT = """async () => {
    const db = await import('/static/js/db.js');
    return db.keptUnknown();
}"""
RAW_KEPT = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open('fieldbook');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
        const meta = open.result.transaction('meta').objectStore('meta');
        const keys = meta.getAllKeys(IDBKeyRange.bound('unknown:', 'unknown:\\uffff'));
        keys.onsuccess = () => {
            const values = meta.getAll(IDBKeyRange.bound('unknown:', 'unknown:\\uffff'));
            values.onsuccess = () => { open.result.close(); resolve({ keys: keys.result, values: values.result }); };
        };
    };
})"""


def _newer_server_adds(page, record: dict) -> None:
    """The next pull answers as a newer server would: with ``record`` among the records."""

    def answer(route):
        response = route.fetch()
        body = response.json()
        body["records"] = [*body["records"], record]
        route.fulfill(response=response, json=body)

    page.route("**/api/v1/sync/pull*", answer, times=1)


def test_a_record_of_an_unknown_kind_is_kept_sealed_and_needs_attention(new_context, server, caseload, data):
    page = sign_in(new_context().new_page())
    chart = {
        "entity": "body_chart",
        "id": str(uuid.uuid4()),
        "version": 7,
        "deleted": False,
        "fields": {"client_id": str(caseload["bea"]), "marks": "Tension at L4, left"},
    }
    _newer_server_adds(page, chart)
    page.evaluate(SYNC)

    assert page.evaluate(KEPT) == [{"entity": "body_chart", "count": 1}]
    raw = page.evaluate(RAW_KEPT)
    assert raw["keys"] == [f"unknown:{caseload['bea']}:body_chart:{chart['id']}"]
    assert "Tension" not in str(raw["values"])  # sealed like every record
    indicator = page.locator("#sync-indicator")
    expect(indicator).to_have_attribute("data-attention", "1")
    indicator.get_by_role("link", name="1 needs attention").click()
    expect(page.locator("#unknown-list")).to_contain_text(
        "1 record of a kind this version of Fieldbook cannot show came from the clinic. It is kept on this phone"
    )

    # Bea moves to a colleague: what was kept of hers leaves the phone with her.
    with data() as s:
        other = factories.make_user(s.get(Clinic, caseload["clinic"]), Role.PRACTITIONER, name="Olive Other")
        s.get(Client, caseload["bea"]).practitioner_id = other.id
    page.evaluate(SYNC)
    assert page.evaluate(KEPT) == []
    expect(indicator).to_have_attribute("data-attention", "0")


def test_a_kept_record_is_stored_by_the_first_pull_once_its_kind_is_known(new_context, server, caseload):
    page = sign_in(new_context().new_page())
    # As an older version kept it: a sensation, a kind this version knows.
    sensation = {
        "entity": "sensation",
        "id": str(uuid.uuid4()),
        "version": 3,
        "deleted": False,
        "fields": {
            "client_id": str(caseload["alex"]),
            "kind": "calf_cramps",
            "client_words": "at night",
            "region": "calf",
            "side": "left",
        },
    }
    page.evaluate(
        """async (record) => {
        const db = await import('/static/js/db.js');
        await db.setMeta(`unknown:${record.fields.client_id}:sensation:${record.id}`, record);
    }""",
        sensation,
    )
    page.evaluate(SYNC)
    stored = page.evaluate(
        """async (id) => (await import('/static/js/db.js')).getRecord('sensation', id)""", sensation["id"]
    )
    assert stored["client_words"] == "at night" and stored["version"] == 3
    assert stored["client_id"] == str(caseload["alex"])
    assert page.evaluate(KEPT) == []
