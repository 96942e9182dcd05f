"""The shared field rules: what the desk forms and the sync API both enforce."""

import datetime as dt
import uuid

from webapp.clients.schemas import CASE_HISTORY, CLIENT
from webapp.visits.schemas import FINDING, SENSATION_RATING


def test_required_fields_are_reported_with_a_sentence():
    result = CLIENT.validate({"first_name": "  ", "last_name": "Jones"})
    assert result.errors == {"first_name": "Enter first name."}


def test_text_is_trimmed_and_limited():
    assert CLIENT.validate({"first_name": " Ann ", "last_name": "Lee"}).values["first_name"] == "Ann"
    too_long = CLIENT.validate({"first_name": "x" * 81, "last_name": "Lee"})
    assert too_long.errors["first_name"] == "First name can be at most 80 characters long."


def test_unknown_fields_are_refused():
    assert CLIENT.validate({"first_name": "A", "last_name": "B", "is_admin": True}).errors == {
        "is_admin": "This field is not known."
    }


def test_partial_validation_checks_only_given_fields():
    result = CLIENT.validate({"phone": "0123"}, partial=True)
    assert result.ok and result.values == {"phone": "0123"}


def test_numbers_dates_and_ranges():
    result = CASE_HISTORY.validate(
        {"client_id": str(uuid.uuid4()), "sitting_hours_per_day": "25", "water_litres_per_day": "abc"},
        partial=True,
    )
    assert result.errors == {
        "sitting_hours_per_day": "Hours sitting a day must be at most 24.",
        "water_litres_per_day": "Water a day (litres) must be a number, like 1.5.",
    }
    born = CLIENT.validate({"date_of_birth": "1980-02-30"}, partial=True)
    assert born.errors["date_of_birth"].startswith("Date of birth must be a date")
    assert CLIENT.validate({"date_of_birth": "1980-02-03"}, partial=True).values["date_of_birth"] == dt.date(
        1980, 2, 3
    )


def test_choices_come_from_the_vocabulary_and_a_clinic_lookup_extends_it():
    base = {"visit_id": str(uuid.uuid4()), "side": "left", "tension_found": True, "released": False}
    assert FINDING.validate({**base, "region": "calf"}).ok
    assert FINDING.validate({**base, "region": "elbow"}).errors == {"region": "Choose region from the list."}
    extended = FINDING.validate(
        {**base, "region": "elbow"},
        vocabulary=lambda kind: ["elbow"] if kind == "region" else ["left", "right", "both"],
    )
    assert extended.ok


def test_intensity_is_a_whole_number_from_0_to_10():
    base = {"sensation_id": str(uuid.uuid4()), "visit_id": str(uuid.uuid4()), "frequency": "daily"}
    assert (
        SENSATION_RATING.validate({**base, "intensity": 11}).errors["intensity"]
        == "Intensity (0-10) must be at most 10."
    )
    assert (
        SENSATION_RATING.validate({**base, "intensity": True}).errors["intensity"].endswith("whole number.")
    )
    assert SENSATION_RATING.validate({**base, "intensity": "7", "times_of_day": ["night", "night"]}).values[
        "times_of_day"
    ] == ["night"]


def test_schema_is_published_as_json():
    published = FINDING.to_json()
    region = next(f for f in published["fields"] if f["name"] == "region")
    assert region == {
        "name": "region",
        "label": "Region",
        "kind": "choice",
        "required": True,
        "vocabulary": "region",
    }


def test_a_time_at_the_edge_of_the_calendar_is_refused_not_a_crash():
    from webapp.visits.schemas import VISIT

    for edge in ("0001-01-01T00:00+05:00", "9999-12-31T23:59-05:00"):
        checked = VISIT.validate({"started_at": edge}, partial=True)
        assert "started_at" in checked.errors
