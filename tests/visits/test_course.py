"""A client's sessions in course order, and which of them contradict it (visits/course.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

import pytest

from webapp.visits import clock
from webapp.visits.course import contradiction, courses, in_course_order, out_of_order

DAY = dt.timedelta(days=1)
T0 = dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC)


@dataclass
class S:
    name: str
    number_in_course: int
    started_at: dt.datetime
    id: uuid.UUID = field(default_factory=uuid.uuid4)


def names(sessions) -> list[str]:
    return [s.name for s in sessions]


def test_sessions_in_time_and_number_order_form_one_course_and_none_is_flagged():
    sessions = [S("c", 3, T0 + 10 * DAY), S("a", 1, T0), S("b", 2, T0 + 3 * DAY)]
    assert names(in_course_order(sessions)) == ["a", "b", "c"]
    assert out_of_order(sessions) == set()


def test_a_session_whose_start_lands_before_a_lower_numbered_one_is_ordered_by_number_and_both_are_flagged():
    one, two, three = S("1", 1, T0), S("2", 2, T0 - 2 * DAY), S("3", 3, T0 + 10 * DAY)
    assert names(in_course_order([one, two, three])) == ["1", "2", "3"]
    assert out_of_order([one, two, three]) == {one.id, two.id}
    assert contradiction(two, [one, two, three]).other is one
    assert contradiction(two, [one, two, three]).starts_before_it
    assert contradiction(one, [one, two, three]).other is two
    assert contradiction(three, [one, two, three]) is None


def test_a_session_starting_after_a_higher_numbered_one_is_flagged():
    sessions = [S("1", 1, T0), S("2", 2, T0 + 20 * DAY), S("3", 3, T0 + 10 * DAY)]
    assert names(in_course_order(sessions)) == ["1", "2", "3"]
    assert out_of_order(sessions) == {sessions[1].id, sessions[2].id}


def test_courses_begin_at_each_session_one_and_are_ordered_by_time_between_them():
    first = [S("a1", 1, T0), S("a2", 2, T0 + 3 * DAY)]
    second = [S("b1", 1, T0 + 100 * DAY), S("b2", 2, T0 + 103 * DAY), S("b3", 3, T0 + 110 * DAY)]
    found = courses([*second, *first])
    assert [names(c) for c in found] == [["a1", "a2"], ["b1", "b2", "b3"]]
    assert out_of_order([*first, *second]) == set()


def test_a_session_that_starts_before_every_session_one_belongs_to_the_first_course():
    sessions = [S("2", 2, T0 - DAY), S("1", 1, T0)]
    assert [names(c) for c in courses(sessions)] == [["1", "2"]]


def test_without_a_session_one_all_sessions_are_one_course_by_number():
    sessions = [S("5", 5, T0 + 7 * DAY), S("4", 4, T0)]
    assert names(in_course_order(sessions)) == ["4", "5"]
    assert courses([]) == []


def test_two_sessions_with_the_same_number_do_not_contradict_each_other():
    sessions = [S("1", 1, T0), S("2a", 2, T0 + 3 * DAY), S("2b", 2, T0 + DAY)]
    assert names(in_course_order(sessions)) == ["1", "2b", "2a"]
    assert out_of_order(sessions) == set()


@pytest.mark.parametrize(
    ("offset", "basis"),
    [
        (None, clock.UNKNOWN_OFFSET),
        (0, clock.PHONE),
        (600, clock.PHONE),
        (-600, clock.PHONE),
        (601, clock.CORRECTED),
        (-3 * 86400, clock.CORRECTED),
    ],
)
def test_the_basis_of_a_start_follows_the_offset_the_phone_knew(offset, basis):
    assert clock.basis_for_offset(offset) == basis


def test_out_of_order_outranks_the_clocks_own_flags():
    assert clock.clock_flag(clock.CORRECTED, True) == clock.OUT_OF_ORDER
    assert clock.clock_flag(clock.UNKNOWN_OFFSET, False) == clock.UNKNOWN_OFFSET
    assert clock.clock_flag(clock.DESK, False) is None and clock.clock_flag(None, False) is None


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (3 * 86400, "3 days"),
        (86400 + 7200, "1 day 2 hours"),
        (3600 * 5 + 60, "5 hours 1 minute"),
        (2400, "40 minutes"),
        (-40, "40 seconds"),
        (3 * 86400 - 1, "3 days"),  # a request a moment after "3 days from now" was worked out
        (86400 - 60, "1 day"),
        (2 * 3600 - 5, "2 hours"),
        (170, "3 minutes"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds, words):
    assert clock.duration_words(seconds) == words


def test_a_start_is_refused_only_beyond_the_future_tolerance():
    now = T0
    assert clock.start_too_far_ahead(now + dt.timedelta(hours=2), now) is None
    assert clock.start_too_far_ahead(now - 400 * DAY, now) is None
    assert "3 days" in clock.start_too_far_ahead(now + 3 * DAY, now)


def test_the_desk_is_told_which_way_the_clock_was_off():
    when = dt.datetime.isoformat
    assert clock.basis_sentence(clock.CORRECTED, -3 * 86400, None, when) == (
        "The phone's clock was 3 days ahead; the time was corrected using the clinic's clock."
    )
    assert "2 days behind" in clock.basis_sentence(clock.CORRECTED, 2 * 86400, T0, when)
    assert "never reached" in clock.basis_sentence(clock.UNKNOWN_OFFSET, None, T0, when)
    assert "older version" in clock.basis_sentence(clock.UNKNOWN_OFFSET, None, None, when)
    assert clock.basis_sentence(clock.PHONE, 30, T0, when) is None
