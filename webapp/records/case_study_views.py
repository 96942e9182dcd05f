"""The case-study draft page (records/case_study.py): drafted, edited, printed, never published."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length

from webapp.audit.services import record_client_read
from webapp.clients.access import client_or_404
from webapp.clients.services import case_history_of
from webapp.core.templating import clinic_zone, local
from webapp.db import now_utc
from webapp.extensions import db
from webapp.records import case_study, services
from webapp.vocab.templating import vocab

bp = Blueprint("case_study", __name__)


class CaseStudyForm(FlaskForm):
    text = TextAreaField("The case study (Markdown)", validators=[Length(max=20_000)])
    submit = SubmitField("Show it for printing")


@bp.route("/clients/<client_id>/case-study", methods=["GET", "POST"])
@login_required
def draft_page(client_id: str) -> str:
    client = client_or_404(current_user, client_id)
    record_client_read(
        "case_study.draft", user=current_user, client_id=client.id, address=request.remote_addr
    )
    db.session.commit()
    if not client.case_study_consent:
        return render_template("records/case_study.html", client=client, form=None, charts=[])
    record = services.client_record(client, lambda kind, code: vocab(code, kind), when=local)
    charts = [
        Markup(item.chart_svg) for item in record["progress"] if len(item.ratings) > 1
    ]  # escaped by chart.py
    form = CaseStudyForm()
    if form.validate_on_submit():  # the edited text, to print: kept nowhere
        return render_template("records/case_study_print.html", text=form.text.data or "", charts=charts)
    if not form.is_submitted():
        today = now_utc().astimezone(clinic_zone()).date()
        form.text.data = case_study.draft(
            client, case_history_of(client), record, lambda k, c: vocab(c, k), today
        )
    return render_template("records/case_study.html", client=client, form=form, charts=charts)
