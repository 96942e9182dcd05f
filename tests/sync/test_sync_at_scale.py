"""Sync at the limit (issue 13): the fast paths give the same answers as the plain ones, and a
push's queries do not grow with its size."""

import uuid

import pytest
from sqlalchemy import select

from tests import factories
from tests.sync.conftest import change
from webapp.core.fieldspec import SPACES, _strip
from webapp.extensions import db
from webapp.sync.entities import ENTITIES, serialise
from webapp.sync.pull import _snapshot_records, _snapshot_scope
from webapp.visits.models import Finding

NOW = "2026-11-24T10:00:00Z"
NOTE = "Tension found at L4; released on the second move. " * 8


def _findings(visit_id, n):
    return [
        change(
            "finding",
            visit_id=visit_id,
            region="calf",
            side="left",
            muscle_or_test="gastrocnemius",
            direction="up",
            tension_found=True,
            released=i % 2 == 0,
            note=f"  {NOTE}{i}\n",
            position=i % 40,
        )
        for i in range(n)
    ]


def _push_counting(device, count_queries, n):
    client = factories.make_client(device.user.clinic, device.user)
    visit_id = uuid.uuid4()
    visit = change(
        "visit", visit_id, client_id=client.id, started_at=NOW, location="home", number_in_course=1
    )
    with count_queries() as statements:
        results = device.push(visit, *_findings(visit_id, n))
    assert {r["status"] for r in results} == {"applied"}
    return len(statements)


def test_a_push_of_many_findings_takes_no_more_queries_than_a_push_of_a_few(
    make_device, practitioner, count_queries
):
    device = make_device(practitioner)
    # Both within one IN list on SQLite (db.one_of: 500 values), so any query made per
    # finding would show as a difference.
    assert _push_counting(device, count_queries, 5) == _push_counting(device, count_queries, 400)


def test_findings_pushed_in_bulk_are_stored_as_sent_and_stamped(make_device, practitioner):
    device = make_device(practitioner)
    client = factories.make_client(practitioner.clinic, practitioner)
    visit_id = uuid.uuid4()
    sent = _findings(visit_id, 3)
    visit = change(
        "visit", visit_id, client_id=client.id, started_at=NOW, location="home", number_in_course=1
    )
    results = device.push(visit, *sent)
    for wire, result in zip(sent, results[1:], strict=True):
        stored = db.session.get(Finding, uuid.UUID(wire["id"]))
        assert stored.note == wire["fields"]["note"].strip()  # surrounding spaces go, as at the desk
        assert (stored.region, stored.direction, stored.muscle_or_test) == ("calf", "up", "gastrocnemius")
        assert stored.released is wire["fields"]["released"] and stored.position == wire["fields"]["position"]
        assert stored.client_id == client.id and stored.version == result["version"] > 0
        assert stored.field_versions == {} and stored.deleted_at is None
        assert stored.created_at.tzinfo is not None


def test_a_snapshot_read_as_plain_rows_is_what_the_records_serialise_to(clinic, practitioner):
    client = factories.make_client(clinic, practitioner)
    factories.make_case_history(client)
    factories.make_acknowledgement(client, practitioner)
    visit = factories.make_visit(client)
    factories.make_finding(visit, "calf", "right", note=NOTE, direction="medial")
    factories.make_rating(factories.make_sensation(client), visit, 4)
    db.session.commit()
    for entity in ENTITIES.values():
        scope = _snapshot_scope(entity, practitioner)
        expected = [serialise(entity, r) for r in db.session.scalars(select(entity.model).where(scope))]
        assert sorted(_snapshot_records(db.session(), entity, scope), key=lambda r: r["id"]) == sorted(
            expected, key=lambda r: r["id"]
        ), entity.name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        " note ",
        "\ufeff note \ufeff",
        " \ufeff\u00a0x\u3000",
        "\ufeff",
        "a\u2003",
        "\u2028\ufeff y \ufeff\t",
        NOTE,
    ],
)
def test_trimming_a_value_is_what_the_published_pattern_does(text):
    assert _strip(text) == SPACES.sub("", text)


def test_a_device_may_ask_for_smaller_pages_than_the_servers_never_larger(app, make_device, practitioner):
    for _ in range(3):
        factories.make_client(practitioner.clinic, practitioner)
    db.session.commit()
    device = make_device(practitioner)
    assert len(device.pull(cursor=None, paged="1", limit=1)["records"]) == 1
    app.config["SYNC_PULL_PAGE"] = 2
    try:
        page = device.pull(cursor=None, paged="1", limit=1000)
    finally:
        app.config["SYNC_PULL_PAGE"] = 5000
    assert len(page["records"]) == 2 and page["more"] is True
