"""The phone writes dates and times as its clinic does: the clinic's locale and time zone are
published with the field rules (the phone's own settings do not decide)."""

from __future__ import annotations

from tests import factories
from webapp.auth.models import Role
from webapp.extensions import db


def _published(make_device, practitioner) -> dict:
    device = make_device(practitioner)
    return device.http.get("/api/v1/schema", headers=device.auth).get_json()


def test_a_clinic_writes_dates_the_british_way_in_london_unless_told_otherwise(
    make_device, practitioner, clinic
):
    assert (clinic.locale, clinic.timezone) == ("en-GB", "Europe/London")
    assert _published(make_device, practitioner)["conventions"] == {
        "locale": "en-GB",
        "time_zone": "Europe/London",
    }


def test_each_clinic_publishes_its_own_language_and_time_zone(make_device, practitioner):
    auckland = factories.make_clinic("Harbour BSR")
    auckland.locale, auckland.timezone = "en-NZ", "Pacific/Auckland"
    db.session.flush()
    kiwi = factories.make_user(auckland, Role.PRACTITIONER, name="Kiri Practitioner")
    assert _published(make_device, kiwi)["conventions"] == {
        "locale": "en-NZ",
        "time_zone": "Pacific/Auckland",
    }
    assert _published(make_device, practitioner)["conventions"]["time_zone"] == "Europe/London"
