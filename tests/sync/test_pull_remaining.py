"""A pull says how much is left after each page, counted in the pull's own scope; a first pull
comes in pages when the phone asks, and nothing changed meanwhile is missed."""

import base64
import json
import uuid

from tests import factories
from tests.sync.conftest import change
from webapp.extensions import db
from webapp.vocab.models import VocabularyTerm

NOW = "2026-11-24T10:00:00Z"


def _visit_with_findings(client_id, n):
    visit_id = uuid.uuid4()
    return [
        change("visit", visit_id, client_id=client_id, started_at=NOW, location="home", number_in_course=1)
    ] + [
        change("finding", visit_id=visit_id, region="calf", side="left", tension_found=True, released=True)
        for _ in range(n)
    ]


def _pages(device, **params):
    """Pull until no more pages come: [(ids in the page, remaining, more)]."""
    pages = []
    while True:
        body = device.pull(**params)
        pages.append(({r["id"] for r in body["records"]}, body["remaining"], body["more"]))
        params.pop("cursor", None)
        if not body["more"]:
            return pages


def test_each_page_says_how_many_changes_remain_after_it(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device, colleague = make_device(practitioner), make_device(practitioner)
    device.pull(cursor=None)
    colleague.push(*_visit_with_findings(client.id, 4))  # five log rows
    assert [(len(ids), remaining, more) for ids, remaining, more in _pages(device, limit=2)] == [
        (2, 3, True),
        (2, 1, True),
        (1, 0, False),
    ]
    assert device.pull()["remaining"] == 0


def test_the_count_leaves_out_what_the_pull_leaves_out(
    make_device, practitioner, other_practitioner, clinic, other_clinic
):
    mine = factories.make_client(clinic, practitioner)
    theirs = factories.make_client(clinic, other_practitioner)
    elsewhere = factories.make_client(other_clinic, factories.make_user(other_clinic, name="Olga Elsewhere"))
    db.session.commit()
    device = make_device(practitioner)
    device.pull(cursor=None)
    # Others' clients change a great deal: none of it is counted, even as a number.
    for client in (theirs, elsewhere):
        for n in range(5):
            factories.make_visit(client, number=n + 1)
    db.session.add(VocabularyTerm(clinic_id=other_clinic.id, kind="direction", code="spiral", label="Spiral"))
    db.session.commit()
    assert device.pull()["records"] == [] and device.pull()["remaining"] == 0
    # Mine, and my clinic's own terms, are.
    factories.make_visit(mine, number=1)
    factories.make_visit(mine, number=2)
    db.session.add(VocabularyTerm(clinic_id=clinic.id, kind="direction", code="diagonal", label="Diagonally"))
    db.session.commit()
    body = device.pull(limit=1)
    assert body["more"] is True and body["remaining"] == 2


def test_a_first_pull_comes_in_pages_when_asked_each_saying_what_remains(
    make_device, practitioner, other_practitioner, clinic
):
    mine = [factories.make_client(clinic, practitioner) for _ in range(3)]
    for client in mine:
        factories.make_finding(factories.make_visit(client))
    theirs = factories.make_client(clinic, other_practitioner)
    factories.make_finding(factories.make_visit(theirs))
    db.session.commit()
    whole = make_device(practitioner).pull(cursor=None)
    assert whole["more"] is False and whole["remaining"] == 0 and whole["snapshot"] is True
    everything = {r["id"] for r in whole["records"]}
    assert len(everything) == 9

    pages = _pages(make_device(practitioner), cursor=None, paged="1", limit=4)
    assert [(len(ids), remaining, more) for ids, remaining, more in pages] == [
        (4, 5, True),
        (4, 1, True),
        (1, 0, False),
    ]
    assert set().union(*(ids for ids, _r, _m in pages)) == everything  # each record once, none of theirs

    # An older app names no "paged": its first pull is the whole caseload in one answer, as before.
    old = make_device(practitioner).pull(cursor=None, limit=4)
    assert {r["id"] for r in old["records"]} == everything and old["more"] is False


def test_what_changes_while_a_first_pull_comes_in_pages_arrives_after_it(
    make_device, practitioner, other_practitioner, clinic
):
    clients = [factories.make_client(clinic, practitioner) for _ in range(4)]
    db.session.commit()
    device = make_device(practitioner)
    first = device.pull(cursor=None, paged="1", limit=1)  # vocabulary terms first: none; then one client
    assert first["more"] is True
    added = factories.make_client(clinic, practitioner)  # may sort before or after the page's end
    gone = clients[3]
    gone.practitioner_id = other_practitioner.id
    db.session.commit()
    seen = {r["id"] for r in first["records"]}
    while device.cursor and (body := device.pull(paged="1", limit=1)):
        seen |= {r["id"] for r in body["records"]}
        if not body["more"]:
            break
    after = device.pull()
    seen |= {r["id"] for r in after["records"]}
    assert str(added.id) in seen  # made during the pages: if the pages missed it, the log brings it
    assert str(gone.id) not in seen or str(gone.id) in after["evict"]  # moved away: never left on the phone


def _snapshot_cursor(**data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_snapshot_cursor_that_makes_no_sense_is_refused(make_device, practitioner):
    device = make_device(practitioner)
    for cursor in (
        _snapshot_cursor(snapshot=[0, 1], entity="elbow", after=None),
        _snapshot_cursor(snapshot=[0, -1], entity="client", after=None),
        _snapshot_cursor(snapshot=[0, 1], entity="client", after="not a uuid"),
    ):
        response = device.http.get("/api/v1/sync/pull", query_string={"cursor": cursor}, headers=device.auth)
        assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_cursor"
    response = device.http.get("/api/v1/sync/pull", query_string={"paged": "yes"}, headers=device.auth)
    assert response.status_code == 400


def test_the_page_size_is_the_servers_to_set(app, make_device, practitioner, clinic):
    for _ in range(3):
        factories.make_client(clinic, practitioner)
    db.session.commit()
    app.config["SYNC_PULL_PAGE"] = 2
    body = make_device(practitioner).pull(cursor=None, paged="1")
    assert len(body["records"]) == 2 and body["remaining"] == 1
