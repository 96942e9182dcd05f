"""The practice's figures, each as a table with an optional chart, scoped to what the reader may see.

Every query starts from ``scope_clients`` (clients/access.py): a practitioner's figures count
only their own caseload's records, staff and admins their whole clinic, nobody another's.
Periods are the clinic's own weeks and months, worked out in the clinic's time zone
(clinic_time.py). The reports that count records are in counting.py; those that follow each
client's sessions in order, in per_client.py and outcomes.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from webapp.auth.models import User
from webapp.reports.base import Figures, Filters
from webapp.reports.counting import attendance, new_clients, referrals, sessions_held, where_sessions_happen
from webapp.reports.outcomes import outcomes_by_complaint
from webapp.reports.per_client import course_completion, rebooking

__all__ = ["REPORTS", "Figures", "Filters", "Report"]


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    about: str
    figures: Callable[[Session, User, Filters], Figures]


REPORTS: dict[str, Report] = {
    r.slug: r
    for r in [
        Report("sessions", "Sessions held", "by week or month and practitioner", sessions_held),
        Report("new-clients", "New clients", "clients whose first session fell in the period", new_clients),
        Report("attendance", "No-shows and late cancellations", "by practitioner", attendance),
        Report(
            "locations", "Home visits and clinic visits", "where sessions took place", where_sessions_happen
        ),
        Report("referrals", "Referrals", "sessions where a medical practitioner was suggested", referrals),
        Report(
            "courses",
            "Course completion",
            "courses that reached their first three sessions",
            course_completion,
        ),
        Report("rebooking", "Rebooking", "sessions followed by a booking within a week", rebooking),
        Report(
            "outcomes",
            "Outcomes by complaint",
            "the clients' own ratings, baseline against latest",
            outcomes_by_complaint,
        ),
    ]
}
