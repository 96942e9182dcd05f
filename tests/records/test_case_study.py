"""The case-study draft: from the record, anonymised, editable and printable, never kept, and
never in medical words."""

import ast
import datetime as dt
import re
from pathlib import Path

from sqlalchemy import func, select

from tests import factories
from webapp.audit.models import AuditEvent
from webapp.db import now_utc
from webapp.extensions import db
from webapp.records import case_study

ROOT = Path(__file__).resolve().parents[2]
MEDICAL = re.compile(r"\b(treat\w*|cur(e|es|ed|ing)|diagnos\w*|therap\w*)\b", re.IGNORECASE)


def _consenting_client(clinic, practitioner):
    client = factories.make_client(
        clinic,
        practitioner,
        first_name="Dora",
        last_name="Lindqvist",
        date_of_birth=dt.date(1978, 5, 2),
        case_study_consent=True,
    )
    factories.make_case_history(client).occupation = "Accountant"
    first = factories.make_visit(client, number=1, started_at=now_utc() - dt.timedelta(days=14))
    second = factories.make_visit(client, number=2, started_at=now_utc() - dt.timedelta(days=7))
    factories.make_finding(first, "lumbar_l5", "left", released=True)
    factories.make_finding(first, "calf", "right", released=False)
    sensation = factories.make_sensation(client, "calf_cramps", "calf", "left")
    sensation.client_words = "cramps that wake me at night"
    factories.make_rating(sensation, first, 8, frequency="daily")
    factories.make_rating(sensation, second, 3, frequency="occasionally")
    db.session.commit()
    return client


def _draft_text(page: str) -> str:
    return page[page.index("<textarea") : page.index("</textarea>")]


def test_the_draft_tells_the_story_from_the_record_without_naming_the_client(
    login, staff, practitioner, clinic
):
    client = _consenting_client(clinic, practitioner)
    page = login(staff).get(f"/clients/{client.id}/case-study").get_data(as_text=True)
    text = _draft_text(page)
    assert "Case study: D., in their 40s, works at a desk" in text
    assert "cramps that wake me at night" in text
    assert "Session 1 (first session): tension was found in the" in text and "released at 1 site." in text
    assert "from 8 out of 10, daily at session 1 to 3 out of 10, occasionally at session 2" in text
    assert "Lindqvist" not in text and "Dora" not in text and "1978" not in text
    assert 'class="intensity-chart"' in page  # the ratings across the sessions


def test_no_draft_without_consent(login, staff, practitioner, clinic):
    client = factories.make_client(clinic, practitioner, case_study_consent=False)
    page = login(staff).get(f"/clients/{client.id}/case-study").get_data(as_text=True)
    assert "has not consented" in page and "<textarea" not in page


def test_the_edited_text_is_shown_for_printing_and_kept_nowhere(login, staff, practitioner, clinic):
    client = _consenting_client(clinic, practitioner)
    browser = login(staff)
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    page = browser.post(f"/clients/{client.id}/case-study", {"text": "# Our story\n\nEdited <b>by hand</b>."})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "# Our story" in html and "Edited &lt;b&gt;by hand&lt;/b&gt;." in html
    assert "data-print" in html
    # Reading the record to draft it is audited; the text itself is stored nowhere.
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == before + 1
    assert (
        db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first()
        == "case_study.draft"
    )


def test_others_cannot_draft_from_a_record_they_cannot_see(
    login, practitioner, other_practitioner, other_clinic_staff, clinic
):
    client = _consenting_client(clinic, practitioner)
    for outsider in (other_practitioner, other_clinic_staff):
        assert login(outsider).get(f"/clients/{client.id}/case-study").status_code == 404


def test_no_sentence_the_app_writes_into_a_case_study_is_medical(login, staff, practitioner, clinic):
    module = ROOT / "webapp" / "records" / "case_study.py"
    tree = ast.parse(module.read_text())
    about = ast.get_docstring(tree, clean=False)  # the module's own note names the words it avoids
    written = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value != about
    ]

    templates = [
        (ROOT / "webapp" / "templates" / "records" / name).read_text()
        for name in ("case_study.html", "case_study_print.html")
    ]
    assert [s for s in [*written, *templates] if MEDICAL.search(s)] == []
    client = _consenting_client(clinic, practitioner)
    text = _draft_text(login(staff).get(f"/clients/{client.id}/case-study").get_data(as_text=True))
    assert not MEDICAL.search(text), MEDICAL.search(text)


def test_ages_and_kinds_of_work_are_bands_not_facts():
    today = dt.date(2026, 12, 1)
    assert case_study.age_band(dt.date(2008, 12, 2), today) == "in their teens"
    assert case_study.age_band(dt.date(1986, 12, 1), today) == "in their 40s"
    assert case_study.age_band(None, today) == "of an age not recorded"
    assert case_study.work_kind("Lorry driver") == "drives for a living"
    assert case_study.work_kind("") == "whose work is not recorded"
    assert case_study.work_kind("Astronaut") == "in work of another kind"
