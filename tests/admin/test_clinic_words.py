"""An admin adds the clinic's own words (a direction of tension among them); phones get them."""

import pytest
from sqlalchemy import select

from tests import factories
from webapp.extensions import db
from webapp.vocab.models import VocabularyTerm


def test_an_admin_adds_a_direction_and_the_clinics_phones_are_offered_it(
    login, admin, practitioner, make_device, clinic, other_clinic
):
    browser = login(admin)
    response = browser.post("/admin/terms", {"kind": "direction", "label": "  Diagonally upwards "})
    assert response.status_code == 302
    term = db.session.scalars(select(VocabularyTerm)).one()
    assert (term.kind, term.code, term.label, term.clinic_id) == (
        "direction",
        "diagonally_upwards",
        "Diagonally upwards",
        clinic.id,
    )
    assert "Diagonally upwards" in browser.get("/admin/terms").get_data(as_text=True)

    device = make_device(practitioner)
    published = device.http.get("/api/v1/schema", headers=device.auth).get_json()
    assert {"code": "diagonally_upwards", "label": "Diagonally upwards"} in published["vocabularies"][
        "direction"
    ]
    assert any(r["entity"] == "vocabulary_term" for r in device.pull(cursor=None)["records"])

    outsider = make_device(factories.make_user(other_clinic, name="Olga Elsewhere"))
    theirs = outsider.http.get("/api/v1/schema", headers=outsider.auth).get_json()
    assert "diagonally_upwards" not in [t["code"] for t in theirs["vocabularies"]["direction"]]


def test_words_already_in_the_list_are_not_added_twice(login, admin):
    browser = login(admin)
    page = browser.post("/admin/terms", {"kind": "direction", "label": "towards the midline"}).get_data(
        as_text=True
    )
    assert "That wording is already in the list." in page
    browser.post("/admin/terms", {"kind": "complaint", "label": "Numb toes"})
    page = browser.post("/admin/terms", {"kind": "complaint", "label": "numb toes"}).get_data(as_text=True)
    assert "That wording is already in the list." in page
    assert db.session.scalar(select(VocabularyTerm.code)) == "numb_toes"


def test_a_bad_kind_or_no_wording_is_explained(login, admin):
    browser = login(admin)
    page = browser.post("/admin/terms", {"kind": "elbow", "label": "x"}).get_data(as_text=True)
    assert "Choose kind of term from the list." in page
    page = browser.post("/admin/terms", {"kind": "region", "label": " "}).get_data(as_text=True)
    assert "Enter wording." in page
    assert db.session.scalars(select(VocabularyTerm)).all() == []


@pytest.mark.parametrize("who", ["staff", "practitioner"])
def test_only_an_admin_may_add_clinic_words(request, login, who):
    browser = login(request.getfixturevalue(who))
    assert browser.get("/admin/terms").status_code == 404
    assert browser.post("/admin/terms", {"kind": "direction", "label": "Spiral"}).status_code == 404
