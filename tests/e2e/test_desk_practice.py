"""The desk at 1440 px running the practice (issue 12): what became of each appointment, the
figures that count it (table, chart and CSV), a client's data in one download, and a case
study drafted from the record, edited and shown for printing, its ratings in the figures."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest

from tests import factories
from tests.e2e.helpers import expect, sign_in_at_desk
from webapp.auth.models import Clinic
from webapp.clients.models import Client
from webapp.db import now_utc

pytestmark = pytest.mark.e2e

DESK = {"width": 1440, "height": 900}


def _desk(new_context, data):
    return sign_in_at_desk(new_context(viewport=DESK, accept_downloads=True).new_page(), data)


def test_the_day_view_records_what_became_of_appointments_and_the_report_counts_it(
    new_context, server, caseload, data
):
    began = now_utc().replace(microsecond=0) - dt.timedelta(hours=2)  # over: every outcome can be known
    with data() as s:
        zone = ZoneInfo(s.get(Clinic, caseload["clinic"]).timezone)
        for name in ("alex", "bea"):
            factories.make_appointment(s.get(Client, caseload[name]), starts_at=began)
    desk = _desk(new_context, data)
    desk.goto(f"/appointments/day?date={began.astimezone(zone).date().isoformat()}")

    for who, outcome in (("Alex Morgan", "Attended"), ("Bea Lund", "Did not come")):
        desk.get_by_label(f"What became of {who}'s appointment").select_option(label=outcome)
        desk.get_by_role("button", name=f"Record what became of {who}'s appointment").click()
        expect(desk.get_by_text(f"{who}: {outcome.lower()}.")).to_be_visible()
    expect(desk.locator("[data-outcome=no_show]")).to_have_text("Did not come")

    desk.goto("/reports/")
    desk.get_by_role("link", name="No-shows and late cancellations").click()
    row = desk.get_by_role("row", name="Pat Practitioner")
    expect(row.get_by_role("cell")).to_have_text(["2", "2", "1", "50%", "0", "0%"])
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Download as CSV").click()
    with open(download.value.path(), encoding="utf-8") as downloaded:
        rows = list(csv.reader(downloaded))
    assert rows[0][:4] == ["Practitioner", "Appointments", "Outcome recorded", "Did not come"]
    assert rows[1] == ["Pat Practitioner", "2", "2", "1", "50%", "0", "0%"]


def test_a_clients_data_downloads_whole_and_a_case_study_is_drafted_edited_and_shown_for_printing(
    new_context, server, caseload, data
):
    with data() as s:
        alex = s.get(Client, caseload["alex"])
        alex.case_study_consent = True
        first, second = (factories.make_visit(alex, number=n) for n in (1, 2))
        factories.make_finding(first, region="lumbar_l4", side="left")
        cramps = factories.make_sensation(alex, "calf_cramps")
        factories.make_rating(cramps, first, 7, "daily")
        factories.make_rating(cramps, second, 3, "few_weekly")
    desk = _desk(new_context, data)
    desk.goto(f"/clients/{caseload['alex']}/record")

    with desk.expect_download() as download:
        desk.get_by_role("button", name="Download everything held about Alex Morgan (zip)").click()
    assert download.value.suggested_filename.startswith("fieldbook-morgan-alex-")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "record.html", "record.json"]
        held = json.loads(archive.read("record.json"))
        printed = archive.read("record.html").decode()
    assert held["client_id"] == str(caseload["alex"])
    assert [c["last_name"] for c in held["records"]["client"]] == ["Morgan"]
    assert [r["intensity"] for r in held["records"]["sensation_rating"]] == [7, 3]
    assert len(held["records"]["finding"]) == 1 and len(held["records"]["visit"]) == 2
    assert "Alex Morgan" in printed and "<form" not in printed and "Bea" not in printed

    desk.get_by_role("link", name="Draft a case study").click()
    text = desk.get_by_label("The case study (Markdown)")
    drafted = text.input_value()
    assert drafted.startswith("# Case study: A., ") and "Morgan" not in drafted and "Alex" not in drafted
    # The baseline and the latest, in the client's own ratings.
    assert "7 out of 10" in drafted and "3 out of 10" in drafted
    text.fill(drafted + "\nEdited at the desk before printing.\n")
    desk.get_by_role("button", name="Show it for printing").click()
    expect(desk.locator("article.case-study")).to_contain_text("Edited at the desk before printing.")
    expect(desk.get_by_role("button", name="Print")).to_be_visible()
    expect(desk.locator(".case-study-charts svg").first).to_be_visible()

    # The same ratings in the practice's figures: a chart, with the table as what it says.
    desk.goto("/reports/outcomes")
    expect(desk.get_by_role("row", name="Calf cramps").get_by_role("cell")).to_have_text(
        ["1", "7", "3", "-4", "-1"]
    )
    expect(desk.locator("figure.report-figure svg")).to_be_visible()
    expect(desk.locator("figure.report-figure")).to_have_attribute("aria-hidden", "true")
