"""The desk's everyday pages take a fixed number of queries, however much data there is
(issue 13, "Years of data"): each is asked for on a small clinic and on a bigger one, and
the count is pinned. A count that grows with the data is an N+1 (one query a row)."""

import datetime as dt

import pytest

from tests import factories
from webapp.auth.models import Role
from webapp.db import now_utc

DAY = (now_utc() + dt.timedelta(days=2)).replace(hour=12, minute=0, second=0, microsecond=0)

# The page, and the queries it takes (the signed-in user and their clinic are among them).
PAGES = {
    "/clients/": 6,
    "/clients/?q=alex": 6,
    "/clients/?page=2": 6,
    "/appointments/day?date={day}": 4,
    "/appointments/week?start={day}": 4,
    "/appointments/follow-ups": 4,
}


def _clinic_of(clinic, size: int):
    """``size`` practitioners, each with ``size`` clients: every other client has had one session
    (and is due a follow-up), the others two and an appointment on DAY."""
    practitioners = [factories.make_user(clinic, Role.PRACTITIONER) for _ in range(size)]
    for owner in practitioners:
        for n in range(size):
            client = factories.make_client(clinic, owner)
            for number in range(1, 1 + n % 2 + 1):
                visit = factories.make_visit(client, number=number)
                factories.make_finding(visit)
            if n % 2:
                factories.make_appointment(client, starts_at=DAY + dt.timedelta(minutes=10 * n))


@pytest.mark.parametrize("url, pinned", PAGES.items())
def test_a_desk_page_takes_the_same_queries_on_a_small_and_a_big_clinic(
    app, login, staff, clinic, count_queries, url, pinned
):
    url = url.format(day=DAY.date().isoformat())
    browser = login(staff)
    counts = []
    for size in (2, 6):  # 4 clients of 2 practitioners, then 40 of 8 in all
        _clinic_of(clinic, size)
        with count_queries() as statements:
            assert browser.get(url).status_code == 200
        counts.append(len(statements))
    assert counts == [pinned, pinned], "\n".join(s[:100] for s in statements)


def test_the_record_page_takes_the_same_queries_for_one_session_and_twenty(
    login, staff, practitioner, clinic, count_queries
):
    browser = login(staff)
    counts = []
    for sessions in (1, 20):
        client = factories.make_client(clinic, practitioner)
        factories.make_case_history(client)
        factories.make_acknowledgement(client, practitioner)
        sensation = factories.make_sensation(client)
        for number in range(1, sessions + 1):
            visit = factories.make_visit(client, number=number)
            factories.make_rating(sensation, visit, 5)
            for region in ("lumbar_l5", "buttock", "calf"):
                factories.make_finding(visit, region)
        with count_queries() as statements:
            assert browser.get(f"/clients/{client.id}/record").status_code == 200
        counts.append(len(statements))
    assert counts == [13, 13], "\n".join(s[:100] for s in statements)
