"""The reports pages: pick a report, a range of days and a practitioner; read, print or download."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from webapp.appointments.services import local_day_bounds, practitioners_of
from webapp.audit.services import record_event
from webapp.core.templating import clinic_zone
from webapp.extensions import db
from webapp.reports.base import tune_for_reports
from webapp.reports.chart import bar_chart
from webapp.reports.figures import REPORTS, Filters
from webapp.vocab.templating import vocab

bp = Blueprint("reports", __name__, url_prefix="/reports")

MAX_DAYS = 3 * 366  # a range longer than this is cut, so one request cannot read the whole history at once


def _day(name: str, default: dt.date) -> tuple[dt.date, str | None]:
    given = request.args.get(name, "").strip()
    if not given:
        return default, None
    try:
        return dt.date.fromisoformat(given), None
    except ValueError:
        return default, f"“{given[:20]}” is not a date; showing from {default.isoformat()} instead."


def _filters() -> tuple[Filters, dict, list[str]]:
    zone = clinic_zone()
    today = dt.datetime.now(zone).date()
    problems = []
    first, problem = _day("from", today.replace(day=1) - dt.timedelta(days=365))
    problems += [problem] if problem else []
    last, problem = _day("to", today)
    problems += [problem] if problem else []
    if last < first:
        first, last = last, first
        problems.append("The range was given back to front; it is shown from the earlier day.")
    if (last - first).days > MAX_DAYS:
        first = last - dt.timedelta(days=MAX_DAYS)
        problems.append(f"Ranges are at most three years; showing from {first.isoformat()}.")
    try:
        chosen = uuid.UUID(request.args.get("practitioner", ""))
    except ValueError:
        chosen = None
    by = "week" if request.args.get("by") == "week" else "month"
    start, _ = local_day_bounds(first, zone)
    _, end = local_day_bounds(last, zone)
    filters = Filters(start, end, zone, chosen, by)
    shown = {"from": first.isoformat(), "to": last.isoformat(), "by": by, "practitioner": chosen}
    return filters, shown, problems


@bp.route("/")
@login_required
def index():
    return render_template("reports/index.html", reports=REPORTS.values())


@bp.route("/<slug>")
@login_required
def show(slug):
    report = REPORTS.get(slug) or abort(404)
    filters, shown, problems = _filters()
    tune_for_reports(db.session())
    figures = report.figures(db.session(), current_user, filters).in_words(vocab)
    record_event("report.view", user=current_user, detail={"report": slug})
    db.session.commit()
    if request.args.get("format") == "csv":
        return _csv(slug, figures, shown)
    chart = Markup(bar_chart(figures.title, figures.bars)) if figures.bars else None  # every text escaped
    csv_url = url_for("reports.show", slug=slug, format="csv", **{k: v for k, v in shown.items() if v})
    return render_template(
        "reports/report.html",
        report=report,
        figures=figures,
        chart=chart,
        shown=shown,
        problems=problems,
        practitioners=practitioners_of(current_user),
        csv_url=csv_url,
    )


def _inert(cell: object) -> object:
    """A cell a spreadsheet will not run: text starting with = + - @ would be taken as a
    formula (a name can be chosen by anyone with an account), so it is quoted as text."""
    if not isinstance(cell, str) or cell[:1] not in "=+-@":
        return cell
    try:
        float(cell)
        return cell  # a negative number, as written
    except ValueError:
        return f"'{cell}"


def _csv(slug: str, figures, shown: dict) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(figures.columns)
    for row in figures.rows:
        writer.writerow([_inert(cell) for cell in row])
    name = f"fieldbook-{slug}-{shown['from']}-to-{shown['to']}.csv"
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )
