"""The client record page: what a practice manager reads and prints."""

import datetime as dt
import re

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp.audit.services import record_client_read, record_event
from webapp.auth.forms import ConfirmForm
from webapp.clients.access import client_or_404, parse_uuid_or_404
from webapp.core.forms import required_value
from webapp.core.templating import clinic_zone, local
from webapp.extensions import db
from webapp.pwa.shell import static_folder
from webapp.records import erasure, export, services
from webapp.records.client_list import search_clients
from webapp.records.forms import StartTimeForm
from webapp.sync import conflicts, parking
from webapp.visits import services as visit_services
from webapp.visits.models import Visit
from webapp.vocab.templating import vocab

bp = Blueprint("records", __name__)


@bp.route("/clients/")
@login_required
def client_list():
    """The clients this person may see, searched by name, phone, email or postcode."""
    text = request.args.get("q", "").strip()[:100]
    page = request.args.get("page", 1, type=int)
    result = search_clients(current_user, text, page, current_app.config["CLIENTS_PER_PAGE"])
    return render_template("clients/index.html", result=result, q=text)


def _record_page(client, exporting: bool = False) -> str:
    """The record page; ``exporting`` draws it as a file of its own (styles inside, no forms)."""
    record = services.client_record(client, lambda kind, code: vocab(code, kind), when=local)
    for item in record["progress"]:
        item.chart_svg = Markup(item.chart_svg)  # built by chart.py with every text escaped
    for item in record["visits"]:
        item.body_charts = [Markup(svg) for svg in item.body_charts]  # built by body_chart.py, text escaped
    parked = [(row, *parking.describe(row, vocab)) for row in parking.parked_for(db.session(), client)]
    page = render_template(
        "records/client.html",
        client=client,
        confirm=ConfirmForm(),
        start_form=StartTimeForm(),
        desk_resolvable=DESK_RESOLVABLE,
        parked=parked,
        exporting=exporting,
        may_export=export.may_export(current_user, current_user.clinic),
        **record,
    )
    return _with_styles_inside(page) if exporting else page


def _with_styles_inside(page: str) -> str:
    """The page with the desk's stylesheets written into it, for a file that opens with no
    server behind it. (Served pages never carry inline styles: the CSP forbids them.)"""
    links = re.compile(r'\s*<link rel="stylesheet" href="[^"]*/css/(desk|print)\.css"[^>]*>')
    page = links.sub("", page)
    return page.replace("</head>", f"<style>{_export_styles()}</style>\n</head>", 1)


def _export_styles() -> str:
    """The desk's styles as printed, for a record file that opens with no server behind it."""
    folder = static_folder(current_app) / "css"
    # What desk.css imports first (an import cannot reach out of the file), then the rest.
    sheets = [
        (folder / name).read_text(encoding="utf-8")
        for name in ("tokens.css", "body-chart.css", "desk.css", "print.css")
    ]
    return "\n".join(re.sub(r"@import[^;]*;", "", sheet) for sheet in sheets)


@bp.route("/clients/<client_id>/record")
@login_required
def client_record(client_id):
    if current_user.is_desk and (
        gone := erasure.erased_client(db.session(), current_user.clinic_id, client_id)
    ):
        return render_template("records/erased.html", client=gone, asked="record"), 410
    client = client_or_404(current_user, client_id)
    page = _record_page(client)
    # Committed after rendering: a commit expires every loaded row, and the page would
    # then reload each one by one.
    record_client_read("client.view", user=current_user, client_id=client.id, address=request.remote_addr)
    db.session.commit()
    return page


@bp.route("/clients/<client_id>/export", methods=["POST"])
@login_required
def client_export(client_id):
    """Everything held about the client, as one zip (a copy the client asked for)."""
    if current_user.is_desk and (
        gone := erasure.erased_client(db.session(), current_user.clinic_id, client_id)
    ):
        return render_template("records/erased.html", client=gone, asked="download"), 410
    client = client_or_404(current_user, client_id)
    if not export.may_export(current_user, current_user.clinic):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    archive = export.build(
        db.session(), client, _record_page(client, exporting=True), dt.datetime.now(dt.UTC)
    )
    record_client_read("client.export", user=current_user, client_id=client.id, address=request.remote_addr)
    db.session.commit()
    return Response(
        archive.content,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{archive.filename}"',
            "Cache-Control": "no-store",
        },
    )


# What the desk may settle: staff keep client details and the diary; a session's findings,
# sensations and notes are the practitioner's (docs/domain.md), so only they resolve those.
DESK_RESOLVABLE = {"client", "case_history", "acknowledgement", "appointment"}


@bp.route("/clients/<client_id>/conflicts/<conflict_id>/resolve", methods=["POST"])
@login_required
def resolve_conflict(client_id, conflict_id):
    client = client_or_404(current_user, client_id)
    conflict = conflicts.visible_conflict(db.session(), current_user, conflict_id)
    if conflict is None or conflict.client_id != client.id or conflict.resolved_at is not None:
        abort(404)
    if current_user.is_desk and conflict.entity not in DESK_RESOLVABLE:
        abort(404)
    choice = request.form.get("choice")
    if not ConfirmForm().validate_on_submit() or choice not in ("mine", "theirs"):
        abort(400)
    try:
        conflicts.resolve(db.session(), current_user, conflict, choice)
    except conflicts.ResolutionRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return redirect(url_for("records.client_record", client_id=client.id))
    record_event(
        "conflict.resolve",
        user=current_user,
        subject_type="client",
        subject_id=client.id,
        detail={"entity": conflict.entity, "field": conflict.field, "choice": choice},
    )
    db.session.commit()
    flash("Decided: the record now shows the value you chose.", "success")
    return redirect(url_for("records.client_record", client_id=client.id))


@bp.route("/clients/<client_id>/parked/<change_id>/handled", methods=["POST"])
@login_required
def parked_handled(client_id, change_id):
    """Someone at the clinic has dealt with a change a phone handed over."""
    client = client_or_404(current_user, client_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not parking.mark_handled(db.session(), current_user, client, change_id):
        abort(404)
    record_event(
        "sync.park_handled",
        user=current_user,
        subject_type="client",
        subject_id=client.id,
        detail={"change_id": str(change_id)},
    )
    db.session.commit()
    flash("Marked as dealt with.", "success")
    return redirect(url_for("records.client_record", client_id=client.id))


@bp.route("/clients/<client_id>/sessions/<visit_id>/start", methods=["POST"])
@login_required
def correct_start(client_id, visit_id):
    """Someone at the clinic corrects when a session started (never its findings)."""
    client = client_or_404(current_user, client_id)
    visit = db.session.get(Visit, parse_uuid_or_404(visit_id))
    if visit is None or visit.client_id != client.id or visit.deleted_at is not None:
        abort(404)
    form = StartTimeForm()
    back = redirect(url_for("records.client_record", client_id=client.id, _anchor=f"session-{visit.id}"))
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(" ".join(form.started_at.errors) or "Enter the date and time the session started.", "error")
        return back
    started_at = required_value(form.started_at).replace(tzinfo=clinic_zone()).astimezone(dt.UTC)
    if started_at == visit.started_at.replace(second=0, microsecond=0):
        started_at = visit.started_at  # the time shown was confirmed: keep it to the second
    flag = visit.clock_flag
    try:
        visit_services.correct_start(db.session(), visit, started_at)
    except visit_services.StartRefused as refused:
        db.session.rollback()
        flash(str(refused), "error")
        return back
    record_event(
        "visit.start_corrected",
        user=current_user,
        subject_type="client",
        subject_id=client.id,
        address=request.remote_addr,
        detail={"visit": str(visit.id), "field": "started_at", "flag": flag},
    )
    db.session.commit()
    flash(f"Session {visit.number_in_course} now starts on {local(visit.started_at)}.", "success")
    return back
