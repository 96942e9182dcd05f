"""How far a phone's clock is trusted, and how a session's start time came to be.

A phone keeps an offset (the server's time minus its own), learnt from the ``server_time``
of every API answer, and corrects the start time of a session before it sends it. The
server stores that time as given, with what the phone's own clock said and the offset it
knew, and keeps a ``start_basis`` saying where the time came from. From the basis (and the
session's place in its course, see ``course.py``) comes ``clock_flag``, which devices and
the desk see. docs/sync-protocol.md, "Time", is the wire contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

# An offset up to this size is ordinary drift: the time is taken as right, with no flag.
CLOCK_TOLERANCE_SECONDS = 10 * 60
# A session may start at most this far after the server's now (a session booked for later
# today is opened early; anything further is a wrong date or a wrong clock).
FUTURE_TOLERANCE = dt.timedelta(hours=2)
# The largest offset accepted: a phone reset to 1970 by a flat battery is still ~60 years out.
MAX_OFFSET_SECONDS = 100 * 366 * 24 * 3600

# start_basis: where a session's stored start time came from.
PHONE = "phone"  # a phone that knew its offset, and the offset was small
CORRECTED = "corrected"  # a phone that knew its offset, and corrected by more than the tolerance
UNKNOWN_OFFSET = "unknown_offset"  # a phone that did not know its offset (never synced, or an old app)
DESK = "desk"  # set at the desk by clinic staff
# None: recorded before the server checked clocks, or made on the server (the demo, tests).

# clock_flag: what a device and the desk are told needs a look, most pressing first.
OUT_OF_ORDER = "out_of_order"
CLOCK_FLAGS = (OUT_OF_ORDER, UNKNOWN_OFFSET, CORRECTED)


def basis_for_offset(offset_seconds: int | None) -> str:
    """The basis of a start time a phone sent, given the offset it knew (None: it knew none)."""
    if offset_seconds is None:
        return UNKNOWN_OFFSET
    return CORRECTED if abs(offset_seconds) > CLOCK_TOLERANCE_SECONDS else PHONE


def clock_flag(start_basis: str | None, out_of_order: bool) -> str | None:
    """The one flag a session carries (None: nothing to look at).

    Being out of order wins: it is a contradiction in the record, where the others say only
    that the time rests on a clock the server could not check, or had to correct by much.
    """
    if out_of_order:
        return OUT_OF_ORDER
    return start_basis if start_basis in (UNKNOWN_OFFSET, CORRECTED) else None


def duration_words(seconds: float) -> str:
    """A length of time as a person says it: "3 days", "2 hours 5 minutes", "40 seconds"."""

    def unit(n: int, name: str) -> str:
        return f"{n} {name}{'' if n == 1 else 's'}"

    # Two units at most, rounded to the smaller one: 2 days 23 hours 59 minutes reads "3 days".
    seconds = round(abs(seconds))
    if seconds >= 86400 - 1800:
        days, hours = divmod(round(seconds / 3600), 24)
        return unit(days, "day") + (f" {unit(hours, 'hour')}" if hours else "")
    if seconds >= 3600 - 30:
        hours, minutes = divmod(round(seconds / 60), 60)
        return unit(hours, "hour") + (f" {unit(minutes, 'minute')}" if minutes else "")
    if seconds >= 60:
        return unit(round(seconds / 60), "minute")
    return unit(seconds, "second")


def start_too_far_ahead(started_at: dt.datetime, now: dt.datetime) -> str | None:
    """Why ``started_at`` cannot be a session's start (None if it can): it is in the future."""
    ahead = (started_at - now).total_seconds()
    if ahead <= FUTURE_TOLERANCE.total_seconds():
        return None
    return (
        f"This session starts {duration_words(ahead)} after the clinic's clock says it is now. A session "
        f"cannot start more than {duration_words(FUTURE_TOLERANCE.total_seconds())} ahead: check the date "
        "and time of the session (and the phone's clock), then correct the start."
    )


def offset_words(offset_seconds: int) -> str:
    """ "3 days ahead" or "2 hours behind": the phone's clock against the clinic's."""
    return f"{duration_words(offset_seconds)} {'behind' if offset_seconds > 0 else 'ahead'}"


def basis_sentence(
    start_basis: str | None,
    offset_seconds: int | None,
    device_started_at: dt.datetime | None,
    when: Callable[[dt.datetime], str],
) -> str | None:
    """What the desk reads about where a session's start time came from (None: nothing to say).

    ``when`` formats a time for the reader (the clinic's zone).
    """
    said = f" The phone's own clock said {when(device_started_at)}." if device_started_at else ""
    if start_basis == CORRECTED and offset_seconds is not None:
        return (
            f"The phone's clock was {offset_words(offset_seconds)}; the time was corrected using the "
            f"clinic's clock.{said}"
        )
    if start_basis == UNKNOWN_OFFSET:
        if device_started_at is None:
            return (
                "This session came from an older version of the app, which does not report the phone's "
                "clock: the time is as the phone gave it, unchecked."
            )
        return (
            "The phone had never reached the clinic's server when this session was recorded, so its clock "
            "could not be checked: the time is as the phone's clock gave it."
        )
    if start_basis == DESK:
        return f"The start time was corrected at the desk.{said}"
    return None
