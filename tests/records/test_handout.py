"""The after-session page, printed at the desk: the advice, the common reactions, the next
appointment; for the people who may see the record only."""

import datetime as dt

from tests import factories
from webapp.db import now_utc


def test_the_page_gives_the_advice_the_reactions_and_the_next_appointment(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, first_name="Nia")
    visit = factories.make_visit(
        client, started_at=now_utc() - dt.timedelta(hours=1), advice=["water", "magnesium"]
    )
    factories.make_appointment(client, starts_at=now_utc() + dt.timedelta(days=7), location="home")
    factories.make_appointment(client, starts_at=now_utc() + dt.timedelta(days=3), status="cancelled")
    page = login(staff).get(f"/clients/{client.id}/sessions/{visit.id}/handout").get_data(as_text=True)
    assert "After your session, Nia" in page
    assert "<li>Drink more water</li>" in page and "<li>Magnesium (calves involved)</li>" in page
    assert "Some people notice tiredness, more discomfort for a while, thirst" in page
    assert "nothing noticed" not in page.lower()
    assert ", at your home" in page  # the booked one, not the cancelled one three days sooner
    assert "data-print" in page


def test_with_no_advice_and_nothing_booked_it_says_so(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    page = login(staff).get(f"/clients/{client.id}/sessions/{visit.id}/handout").get_data(as_text=True)
    assert "Nothing particular: carry on as usual." in page and "Not booked yet" in page


def test_nobody_reaches_another_clients_page(
    login, practitioner, other_practitioner, other_clinic_staff, clinic
):
    client = factories.make_client(clinic, practitioner)
    other = factories.make_client(clinic, practitioner)
    visit = factories.make_visit(client)
    for outsider in (other_practitioner, other_clinic_staff):
        assert login(outsider).get(f"/clients/{client.id}/sessions/{visit.id}/handout").status_code == 404
    assert login(practitioner).get(f"/clients/{other.id}/sessions/{visit.id}/handout").status_code == 404
