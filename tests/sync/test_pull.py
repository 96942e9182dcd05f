"""Pull: the whole caseload first, then only what changed; never another's records."""

import uuid

from tests import factories
from tests.sync.conftest import change
from webapp.extensions import db


def _ids(body, entity=None):
    return {r["id"] for r in body["records"] if entity is None or r["entity"] == entity}


def test_first_pull_is_the_whole_caseload_and_nothing_else(
    make_device, practitioner, other_practitioner, clinic, other_clinic
):
    mine = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(mine)
    finding = factories.make_finding(visit)
    sensation = factories.make_sensation(mine)
    rating = factories.make_rating(sensation, visit, 7)
    history = factories.make_case_history(mine)
    theirs = factories.make_client(clinic, other_practitioner)
    factories.make_visit(theirs)
    factories.make_client(other_clinic)
    body = make_device(practitioner).pull(cursor=None)
    assert _ids(body) == {str(x.id) for x in (mine, visit, finding, sensation, rating, history)}
    assert body["more"] is False


def test_incremental_pull_returns_only_changes_after_the_cursor(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device, other = make_device(practitioner), make_device(practitioner)
    device.pull(cursor=None)
    assert device.pull()["records"] == []
    visit_id = uuid.uuid4()
    other.push(
        change(
            "visit",
            visit_id,
            client_id=client.id,
            started_at="2026-11-24T09:00:00Z",
            location="clinic",
            number_in_course=1,
        )
    )
    body = device.pull()
    assert _ids(body) == {str(visit_id)}
    assert device.pull()["records"] == []


def test_a_devices_own_changes_are_not_sent_back_but_reach_its_colleagues_and_later_edits_do(
    make_device, practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    phone, tablet = make_device(practitioner), make_device(practitioner)
    phone.pull(cursor=None)
    tablet.pull(cursor=None)
    visit_id = uuid.uuid4()
    [created] = phone.push(
        change(
            "visit",
            visit_id,
            client_id=client.id,
            started_at="2026-11-24T09:00:00Z",
            location="clinic",
            number_in_course=1,
        )
    )
    # The push answer told the phone everything; the same change would only be sent back.
    assert phone.pull()["records"] == []
    assert _ids(tablet.pull()) == {str(visit_id)}
    # The phone's edit is not sent back to it either; the desk's later edit is.
    phone.push(change("visit", visit_id, base_version=created["version"], notes="From the phone"))
    assert phone.pull()["records"] == []
    from webapp.visits.models import Visit

    db.session.get(Visit, visit_id).next_step = "Book in a week"
    db.session.commit()
    [record] = phone.pull()["records"]
    assert record["fields"]["notes"] == "From the phone" and record["fields"]["next_step"] == "Book in a week"


def test_pull_pages_with_more_until_done(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    device.pull(cursor=None)
    for n in range(5):
        factories.make_visit(client, number=n + 1)
    db.session.commit()
    seen, pages = set(), 0
    while True:
        body = device.pull(limit=2)
        seen |= _ids(body)
        pages += 1
        if not body["more"]:
            break
    assert len(seen) == 5 and pages == 3


def test_a_desk_change_reaches_the_device(make_device, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    device = make_device(practitioner)
    device.pull(cursor=None)
    client.phone = "0123 456"
    db.session.commit()
    [record] = device.pull()["records"]
    assert record["fields"]["phone"] == "0123 456" and record["version"] == client.version


def test_a_client_leaving_the_caseload_is_evicted_and_the_new_practitioner_gets_everything(
    make_device, practitioner, other_practitioner, clinic
):
    client = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    finding = factories.make_finding(visit)
    old_phone, new_phone = make_device(practitioner), make_device(other_practitioner)
    old_phone.pull(cursor=None)
    new_phone.pull(cursor=None)
    client.practitioner_id = other_practitioner.id
    db.session.commit()
    leaving = old_phone.pull()
    assert leaving["evict"] == [str(client.id)] and leaving["records"] == []
    arriving = new_phone.pull()
    assert arriving["evict"] == []
    assert {str(client.id), str(visit.id), str(finding.id)} <= _ids(arriving)
    # Later changes to that client no longer reach the old device.
    client.phone = "999"
    db.session.commit()
    assert old_phone.pull()["records"] == []


def test_vocabulary_added_by_a_colleague_reaches_every_practitioner_of_the_clinic(
    make_device, practitioner, other_practitioner, other_clinic
):
    outsider = factories.make_user(other_clinic)
    mine, theirs, elsewhere = (
        make_device(practitioner),
        make_device(other_practitioner),
        make_device(outsider),
    )
    for device in (mine, theirs, elsewhere):
        device.pull(cursor=None)
    [result] = mine.push(
        change(
            "vocabulary_term", kind="complaint", code="pins_and_needles", label="Pins and needles in the toes"
        )
    )
    assert result["status"] == "applied"
    assert [r["fields"]["label"] for r in theirs.pull()["records"]] == ["Pins and needles in the toes"]
    assert elsewhere.pull()["records"] == []


def test_a_bad_cursor_is_a_clear_error(make_device, practitioner):
    device = make_device(practitioner)
    response = device.http.get("/api/v1/sync/pull?cursor=not-a-cursor", headers=device.auth)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_cursor"
