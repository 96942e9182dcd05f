"""A case study drafted from a client's record, for a client who has consented to one.

BSR practices publish how clients have benefited. The desk drafts the story in the practice's
voice from what was recorded, anonymised (an initial, an age band, a kind of work), for the
practice to edit and print; Fieldbook never publishes it. The wording is BSR's own and
non-medical: tension is found and released, the client rates how they feel. No sentence here
may say treat, cure, diagnose or therapy (tests/records/test_case_study.py reads them all).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from webapp.clients.models import CaseHistory, Client

# Kinds of work, by words an occupation may contain; the first that matches names it.
WORK_KINDS: list[tuple[str, tuple[str, ...]]] = [
    ("retired", ("retired", "pension")),
    ("a student", ("student", "pupil", "school")),
    (
        "works at a desk",
        (
            "account",
            "admin",
            "clerk",
            "office",
            "manager",
            "developer",
            "engineer",
            "analyst",
            "secretary",
            "receptionist",
            "designer",
            "writer",
            "lawyer",
            "consultant",
            "it ",
        ),
    ),
    ("drives for a living", ("driver", "courier", "taxi", "lorry", "truck", "delivery")),
    (
        "does physical work",
        (
            "builder",
            "farmer",
            "labourer",
            "plumber",
            "electrician",
            "carpenter",
            "gardener",
            "cleaner",
            "warehouse",
            "mechanic",
            "painter",
            "chef",
            "cook",
        ),
    ),
    (
        "works on their feet",
        ("nurse", "carer", "teacher", "shop", "retail", "hairdresser", "waiter", "barista"),
    ),
    (
        "looks after a home and family",
        ("homemaker", "housewife", "househusband", "parent", "mother", "father"),
    ),
]


def work_kind(occupation: str) -> str:
    words = f" {occupation.casefold()} "
    for kind, hints in WORK_KINDS:
        if any(hint in words for hint in hints):
            return kind
    return "whose work is not recorded" if not occupation.strip() else "in work of another kind"


def age_band(born: dt.date | None, today: dt.date) -> str:
    if born is None:
        return "of an age not recorded"
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < 20:
        return "in their teens"
    return f"in their {age // 10 * 10}s"


def _rating_words(rating: Any, label: Callable[[str, str], str]) -> str:
    return f"{rating.intensity} out of 10, {label('frequency', rating.frequency).lower()}"


def draft(
    client: Client,
    history: CaseHistory | None,
    record: dict[str, Any],
    label: Callable[[str, str], str],
    today: dt.date,
) -> str:
    """The draft as Markdown. ``record`` is records/services.py client_record()'s; ``label(kind,
    code)`` gives the clinic's words."""
    who = (
        f"{client.first_name[:1].upper() or 'A'}., {age_band(client.date_of_birth, today)}, "
        f"{work_kind(history.occupation if history else '')}"
    )
    lines = [f"# Case study: {who}", ""]

    progress = record["progress"]
    lines += ["## What brought them", ""]
    if progress:
        for item in progress:
            s = item.sensation
            words = s.client_words or label("complaint", s.kind)
            where = f"{label('side', s.side).lower()} {label('region', s.region).lower()}"
            first = (
                f": at the first session, {_rating_words(item.ratings[0][1], label)}" if item.ratings else ""
            )
            lines.append(f"- “{words}” ({where}){first}.")
    else:
        lines.append("- (No sensations were recorded.)")
    lines.append("")

    visits = record["visits"]
    lines += ["## The sessions", ""]
    if visits:
        start = visits[0].visit.started_at.date()
        for item in visits:
            v = item.visit
            day = (v.started_at.date() - start).days
            when = "first session" if day == 0 else f"day {day}"
            found = [
                f"{label('region', row.region).lower()} ({', '.join(_sides(row))})" for row in item.regions
            ]
            released = sum(1 for row in item.regions for f in [*row.left, *row.right] if f.released)
            sentence = f"- Session {v.number_in_course} ({when}): "
            if found:
                sentence += f"tension was found in the {'; '.join(found)}"
                sentence += (
                    f", and released at {released} site{'s' if released != 1 else ''}."
                    if released
                    else ", and noted for the next session."
                )
            else:
                sentence += "no findings were recorded."
            lines.append(sentence)
    else:
        lines.append("- (No sessions were recorded.)")
    lines.append("")

    lines += ["## How they rated it", ""]
    rated = [item for item in progress if len(item.ratings) > 1]
    for item in rated:
        s = item.sensation
        first_visit, first = item.ratings[0]
        last_visit, last = item.ratings[-1]
        lines.append(
            f"- “{s.client_words or label('complaint', s.kind)}”: from {_rating_words(first, label)} "
            f"at session {first_visit.number_in_course} to {_rating_words(last, label)} "
            f"at session {last_visit.number_in_course}."
        )
    if not rated:
        lines.append("- (Not yet rated again after the first session.)")
    lines += [
        "",
        "## The outcome",
        "",
        "(In the practice's words: how the client describes their life now, and in their own words if "
        "they agree.)",
        "",
        "These are the client's own ratings of how they feel, not a clinical measure. Body Stress Release "
        "is not a medical practice; the client's own doctor remains their source of medical advice.",
        "",
    ]
    return "\n".join(lines)


def _sides(row: Any) -> list[str]:
    return [side for side, found in (("left", row.left), ("right", row.right)) if found]
