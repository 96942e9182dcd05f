"""The phone's stores are the server's entities: one list, held in step by this test.

The phone creates its IndexedDB stores when the database is first opened (db-core.js
ENTITIES, CLINIC_WIDE, INDEXES), before it has ever fetched the published rules, so it cannot
read them from the server: instead this test reads them from the JavaScript (through node)
and compares them with webapp/sync/entities.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp.sync.entities import ENTITIES, wire_fields

JS = Path(__file__).resolve().parents[2] / "webapp" / "static" / "js"
READ = """
const core = await import(process.argv[1]);
const seal = await import(process.argv[2]);
const stores = [...core.ENTITIES, 'outbox', 'conflicts'];
console.log(JSON.stringify({ entities: core.ENTITIES, clinicWide: core.CLINIC_WIDE, indexes: core.INDEXES,
  derived: core.DERIVED_INDEXES,
  clear: Object.fromEntries(stores.map((store) => [store, seal.clearFieldsOf(store)])) }));
"""


@pytest.fixture(scope="module")
def phone() -> dict:
    """ENTITIES, CLINIC_WIDE, INDEXES and DERIVED_INDEXES of db-core.js, and the clear fields of seal.js."""
    # Not a skip: without Node.js this pin would pass while proving nothing (make node installs it).
    assert shutil.which("node"), "Node.js is needed to read the phone's stores: make node installs it"
    run = subprocess.run(
        ["node", "--input-type=module", "-e", READ, (JS / "db-core.js").as_uri(), (JS / "seal.js").as_uri()],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(run.stdout)


def _parents(entity) -> set[str]:
    """The references fixed at creation other than the client: what a record hangs from."""
    return {name for name in entity.fixed if name in entity.references and name != "client_id"}


def test_the_phone_has_a_store_for_every_entity_the_server_syncs_and_no_other(phone):
    assert sorted(phone["entities"]) == sorted(ENTITIES)


def test_records_of_a_client_are_indexed_by_client_and_clinic_wide_ones_are_not(phone):
    clinic_wide = sorted(
        name
        for name, entity in ENTITIES.items()
        if name != "client" and "client_id" not in entity.model.__table__.columns
    )
    assert sorted(phone["clinicWide"]) == clinic_wide


def test_records_are_indexed_by_the_parent_they_hang_from(phone):
    for name, entity in ENTITIES.items():
        indexed = set(phone["indexes"].get(name, []))
        assert _parents(entity) <= indexed, name
        # Any other index is on a field the record really has (a vocabulary term's kind).
        assert indexed <= set(wire_fields(entity)), name


def test_every_indexed_field_is_kept_in_clear(phone):
    for name in phone["entities"]:
        indexed = set(phone["indexes"].get(name, [])) | set(phone["derived"].get(name, []))
        if name not in phone["clinicWide"]:
            indexed.add("client_id")
        assert indexed <= set(phone["clear"][name]), name
    assert {"status", "record_id", "client_id", "change_id", "follows"} <= set(phone["clear"]["outbox"])
    assert "client_id" in phone["clear"]["conflicts"]


def test_an_index_on_what_the_phone_derives_is_on_no_field_the_server_sends(phone):
    # An appointment's day tag (seal.js) is worked out on the phone: a field of that name
    # coming from the server would be silently replaced.
    for name, derived in phone["derived"].items():
        assert not set(derived) & set(wire_fields(ENTITIES[name])), name
