"""Gathering one client's whole record in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select

from webapp.clients.models import CaseHistory, Client
from webapp.clients.schemas import CASE_HISTORY, UNITS
from webapp.clients.services import acknowledgements_of, case_history_of
from webapp.extensions import db
from webapp.records.body_chart import VIEWS, body_chart_svg
from webapp.records.chart import Point, intensity_chart
from webapp.sync.models import SyncConflict
from webapp.visits import clock, course
from webapp.visits.models import Finding, Sensation, SensationRating, Visit
from webapp.vocab.defaults import REGIONS

REGION_ORDER = {code: n for n, (code, _label, _group) in enumerate(REGIONS)}


@dataclass
class RegionRow:
    region: str
    left: list[Finding] = field(default_factory=list)
    right: list[Finding] = field(default_factory=list)


# What each clock flag is called on the record.
FLAG_TITLES = {
    clock.OUT_OF_ORDER: "Out of order",
    clock.CORRECTED: "Clock corrected",
    clock.UNKNOWN_OFFSET: "Clock not checked",
}


@dataclass
class VisitRecord:
    visit: Visit
    regions: list[RegionRow]
    lines: list[list[Finding]]
    flag: str | None = None  # a clock flag (visits/clock.py), worked out as the page is drawn
    time_notes: list[str] = field(default_factory=list)  # where the start time came from, in words
    # The findings on the body chart, back and front, as SVG (records/body_chart.py).
    body_charts: list[str] = field(default_factory=list)

    @property
    def flag_title(self) -> str | None:
        return FLAG_TITLES.get(self.flag) if self.flag is not None else None


@dataclass
class SensationProgress:
    sensation: Sensation
    ratings: list[tuple[Visit, SensationRating]]
    chart_svg: str

    @property
    def baseline(self) -> int | None:
        return self.ratings[0][1].intensity if self.ratings else None


def side_by_side(findings: list[Finding]) -> list[RegionRow]:
    """Findings grouped by region (body order), left and right; "both" shows on each side."""
    rows: dict[str, RegionRow] = {}
    for finding in sorted(findings, key=lambda f: (REGION_ORDER.get(f.region, 999), f.region, f.position)):
        row = rows.setdefault(finding.region, RegionRow(finding.region))
        if finding.side in ("left", "both"):
            row.left.append(finding)
        if finding.side in ("right", "both"):
            row.right.append(finding)
    return list(rows.values())


def tension_lines(findings: list[Finding]) -> list[list[Finding]]:
    lines: dict[uuid.UUID, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.tension_line_id:
            lines[finding.tension_line_id].append(finding)
    return [sorted(line, key=lambda f: f.position) for line in lines.values() if len(line) > 1]


def body_charts(visit: Visit, findings: list[Finding]) -> list[str]:
    """The session's findings drawn on the body chart from the back and the front; none without findings."""
    if not findings:
        return []
    return [
        body_chart_svg(
            view,
            findings,
            f"bc-{visit.id.hex[:12]}-{view}",
            f"Findings of session {visit.number_in_course} on the body seen from the {view}",
        )
        for view in VIEWS
    ]


def _time_notes(
    visit: Visit, found: course.Contradiction | None, when: Callable[[dt.datetime], str]
) -> list[str]:
    notes = [course.order_sentence(visit, found, when)] if found else []
    basis = clock.basis_sentence(visit.start_basis, visit.clock_offset_seconds, visit.device_started_at, when)
    return notes + ([basis] if basis else [])


def number_words(value: float | Decimal, unit: tuple[str, str] | None = None) -> str:
    """A number as people write it: 7 rather than 7.0, 1.5, and its unit ("7 hours", "1 hour")."""
    number = Decimal(str(value)).normalize()
    text = f"{number:f}"
    if unit is None:
        return text
    return f"{text} {unit[0] if number == 1 else unit[1]}"


def history_answers(history: CaseHistory) -> list[tuple[str, str]]:
    """The case history as the record prints it: (the schema's label, the answer in words).

    No answer (None) is "Not asked": the desk and the phone both keep a yes/no question
    unanswered apart from "no", and an amount left empty was never given.
    """
    answers = []
    for spec in CASE_HISTORY.fields.values():
        if spec.kind == "uuid":
            continue
        value = getattr(history, spec.name)
        if value is None and spec.kind in ("bool", "int", "decimal"):
            words = "Not asked"
        elif spec.kind == "bool":
            words = "Yes" if value else "No"
        elif spec.kind in ("int", "decimal"):
            words = number_words(value, UNITS.get(spec.name))
        else:
            words = str(value) if value not in (None, "") else "—"
        answers.append((spec.label, words))
    return answers


def client_record(client: Client, label, when: Callable[[dt.datetime], str] = dt.datetime.isoformat) -> dict:
    """Everything the record page shows. ``label(kind, code)`` gives vocabulary words, ``when``
    a time as the reader reads it."""
    # In course order (visits/course.py): by number within a course, by start between courses.
    # The order and its flags are worked out here rather than read from clock_flag, so that
    # sessions recorded before clocks were checked are shown in order (and flagged) too.
    courses = course.courses(
        db.session.scalars(select(Visit).where(Visit.client_id == client.id, Visit.deleted_at.is_(None)))
    )
    visits = [v for c in courses for v in c]
    position = {v.id: n for n, v in enumerate(visits, 1)}
    contradictions = {v.id: course.contradiction(v, c) for c in courses for v in c}
    findings: dict[uuid.UUID, list[Finding]] = defaultdict(list)
    for finding in db.session.scalars(
        select(Finding).where(Finding.client_id == client.id, Finding.deleted_at.is_(None))
    ):
        findings[finding.visit_id].append(finding)
    by_visit = {v.id: v for v in visits}
    sensations = list(
        db.session.scalars(
            select(Sensation)
            .where(Sensation.client_id == client.id, Sensation.deleted_at.is_(None))
            .order_by(Sensation.created_at)
        )
    )
    ratings: dict[uuid.UUID, list] = defaultdict(list)
    for rating in db.session.scalars(
        select(SensationRating).where(
            SensationRating.client_id == client.id, SensationRating.deleted_at.is_(None)
        )
    ):
        if rating.visit_id in by_visit:
            ratings[rating.sensation_id].append((by_visit[rating.visit_id], rating))
    progress = []
    for sensation in sensations:
        rated = sorted(ratings[sensation.id], key=lambda pair: position[pair[0].id])
        title = (
            f"{sensation.client_words or label('complaint', sensation.kind)}, {label('side', sensation.side).lower()} "
            f"{label('region', sensation.region).lower()}"
        )
        chart = intensity_chart(
            title, [Point(v.number_in_course, r.intensity, position[v.id]) for v, r in rated]
        )
        progress.append(SensationProgress(sensation, rated, chart))
    history = case_history_of(client)
    conflicts = list(
        db.session.scalars(
            select(SyncConflict)
            .where(SyncConflict.client_id == client.id, SyncConflict.resolved_at.is_(None))
            .order_by(SyncConflict.created_at)
        )
    )
    return {
        "history": history,
        "history_answers": history_answers(history) if history else [],
        "acknowledgements": acknowledgements_of(client),
        "visits": [
            VisitRecord(
                v,
                side_by_side(findings[v.id]),
                tension_lines(findings[v.id]),
                clock.clock_flag(v.start_basis, contradictions[v.id] is not None),
                _time_notes(v, contradictions[v.id], when),
                body_charts(v, findings[v.id]),
            )
            for v in visits
        ],
        "progress": progress,
        "conflicts": conflicts,
    }
