"""What is due: turns the diary and the sync state into reminders, each planned once.

Every run looks at "now" and plans only what is due at that moment (due_at <= now), so a
reminder about an appointment that was moved or cancelled before its time simply never
gets planned. Each reminder has a ``dedupe_key``; planning again (every minute, or by two
senders at once) adds nothing. Payloads carry a client's first name, a time and, for a home
visit, the address: never anything from the case history or the session records.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.appointments.models import Appointment
from webapp.appointments.services import combine_local, follow_ups_due, local_day_bounds
from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.reminders.models import PushPreference, PushSubscription
from webapp.reminders.services import Planned, label_for, payload_json, plan, preferences_of
from webapp.sync.entities import ENTITIES
from webapp.sync.models import AppliedChange, Device, SyncConflict

MORNING_HOUR = 8  # desk lists and sync digests go out from 08:00 clinic time
DIGEST_AFTER = dt.timedelta(days=1)
UPCOMING = dt.timedelta(days=7)
APP = "/app/"


def plan_all(session: Session, now: dt.datetime, stale_device_days: int = 3) -> int:
    """Plan every reminder due at ``now`` for everyone with a subscription; how many were new."""
    users = session.scalars(
        select(User).where(User.active.is_(True), User.id.in_(select(PushSubscription.user_id)))
    ).all()
    added = 0
    for user in users:
        for planned in due_for(session, user, now, stale_device_days):
            added += plan(session, planned)
    session.flush()
    return added


def due_for(session: Session, user: User, now: dt.datetime, stale_device_days: int = 3) -> list[Planned]:
    """The reminders due for ``user`` at ``now``, by their role and preferences."""
    zone = ZoneInfo(user.clinic.timezone or "Europe/London")
    preference = preferences_of(session, user.id)
    if user.role == Role.PRACTITIONER:
        return [
            *evening_before(session, user, preference, zone, now),
            *home_visits(session, user, preference, now),
            *sync_digest(session, user, preference, zone, now),
            *sync_problems(session, user, preference, zone, now),
        ]
    return [
        *morning_follow_ups(session, user, preference, zone, now),
        *stale_devices(session, user, preference, zone, now, stale_device_days),
    ]


def _booked(practitioner: User):
    """Booked appointments of ``practitioner``, for clients of their own clinic only."""
    return (
        select(Appointment)
        .join(Client, Client.id == Appointment.client_id)
        .where(
            Appointment.practitioner_id == practitioner.id,
            Appointment.clinic_id == practitioner.clinic_id,
            Client.clinic_id == practitioner.clinic_id,
            Client.deleted_at.is_(None),
            Appointment.status == "booked",
            Appointment.deleted_at.is_(None),
        )
    )


def _seconds(until: dt.datetime, now: dt.datetime) -> int:
    return max(int((until - now).total_seconds()), 0)


def _end_of_day(now: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return local_day_bounds(now.astimezone(zone).date(), zone)[1]


def _client_url(appointment: Appointment, practitioner: User, zone: ZoneInfo) -> str:
    """The client's screen in the app if the client is on this practitioner's phone, else the day page."""
    if appointment.client.practitioner_id == practitioner.id:
        return f"{APP}#/clients/{appointment.client_id}"
    return f"/appointments/day?date={appointment.starts_at.astimezone(zone).date().isoformat()}"


def evening_before(
    session: Session, user: User, preference: PushPreference, zone: ZoneInfo, now: dt.datetime
) -> list[Planned]:
    """From the evening hour until midnight: tomorrow's first appointment (one reminder an evening)."""
    local_now = now.astimezone(zone)
    if not preference.evening_before or local_now.hour < preference.evening_hour:
        return []
    tomorrow = local_now.date() + dt.timedelta(days=1)
    start, end = local_day_bounds(tomorrow, zone)
    appointments = session.scalars(
        _booked(user)
        .where(Appointment.starts_at >= start, Appointment.starts_at < end)
        .order_by(Appointment.starts_at)
    ).all()
    if not appointments or _all_reminded_already(appointments, preference, now):
        return []
    first = appointments[0]
    at = first.starts_at.astimezone(zone).strftime("%H:%M")
    day_name = tomorrow.strftime("%A")
    where = f" (home visit: {first.address})" if first.is_home_visit and first.address else ""
    count = f"{len(appointments)} appointments" if len(appointments) > 1 else "1 appointment"
    # The app's own day screen: it opens on the phone with no signal, unlike a desk page.
    payload = payload_json(
        f"{day_name}: {count}",
        f"First at {at} with {first.client.first_name}{where}.",
        f"{APP}#/day/{tomorrow.isoformat()}",
    )
    due_at = combine_local(local_now.date(), dt.time(preference.evening_hour), zone)
    return [
        Planned(
            user.id,
            "appointment_evening",
            f"evening:{user.id}:{tomorrow.isoformat()}",
            payload,
            due_at=due_at,
            ttl=_seconds(first.starts_at, due_at),
        )
    ]


def _all_reminded_already(
    appointments: Sequence[Appointment], preference: PushPreference, now: dt.datetime
) -> bool:
    """Late in the evening, home visits just after midnight already have their own reminders with
    the address; a second notice about the same visits minutes apart is noise."""
    lead = dt.timedelta(minutes=preference.home_visit_minutes or 0)
    return bool(lead) and all(a.is_home_visit and a.starts_at <= now + lead for a in appointments)


def home_visits(session: Session, user: User, preference: PushPreference, now: dt.datetime) -> list[Planned]:
    """A reminder ``home_visit_minutes`` before each home visit, with the address."""
    lead = dt.timedelta(minutes=preference.home_visit_minutes or 0)
    if not lead:
        return []
    visits = session.scalars(
        _booked(user).where(
            Appointment.location == "home", Appointment.starts_at > now, Appointment.starts_at <= now + lead
        )
    ).all()
    planned = []
    zone = ZoneInfo(user.clinic.timezone or "Europe/London")
    for visit in visits:
        at = visit.starts_at.astimezone(zone).strftime("%H:%M")
        body = (
            f"{visit.client.first_name}, {visit.address}." if visit.address else f"{visit.client.first_name}."
        )
        payload = payload_json(f"Home visit at {at}", body, _client_url(visit, user, zone))
        key = f"home:{visit.id}:{visit.starts_at.isoformat()}"  # a moved visit gets a reminder of its own
        planned.append(
            Planned(
                user.id,
                "home_visit",
                key,
                payload,
                due_at=visit.starts_at - lead,
                ttl=_seconds(visit.starts_at, visit.starts_at - lead),
                urgency="high",
            )
        )
    return planned


def sync_digest(
    session: Session, user: User, preference: PushPreference, zone: ZoneInfo, now: dt.datetime
) -> list[Planned]:
    """Once a day: changes that have waited on one of this person's phones for over a day."""
    local_now = now.astimezone(zone)
    if not preference.sync_notices or local_now.hour < MORNING_HOUR:
        return []
    devices = session.scalars(
        select(Device).where(
            Device.user_id == user.id, Device.revoked_at.is_(None), Device.pending_reported > 0
        )
    ).all()
    waiting = [d for d in devices if (d.last_sync_at or d.created_at) <= now - DIGEST_AFTER]
    if not waiting:
        return []
    total = sum(d.pending_reported for d in waiting)
    oldest = min(d.last_sync_at or d.created_at for d in waiting)
    days = max((now - oldest).days, 1)
    phones = device_name(waiting[0]) if len(waiting) == 1 else f"{len(waiting)} of your phones"
    changes = "1 change" if total == 1 else f"{total} changes"
    payload = payload_json(
        "Changes waiting to reach the clinic",
        f"{changes} on {phones} have not reached the clinic for {days} day{'s' * (days > 1)}. "
        "Open Fieldbook where there is a signal to send them.",
        APP,
    )
    return [
        Planned(
            user.id,
            "sync_digest",
            f"sync-digest:{user.id}:{local_now.date().isoformat()}",
            payload,
            due_at=now,
            ttl=_seconds(_end_of_day(now, zone), now),
            urgency="low",
        )
    ]


def _client_of_change(session: Session, result: dict) -> uuid.UUID | None:
    """The client a pushed change was about, if the server can tell."""
    try:
        record_id = uuid.UUID(str(result.get("id")))
    except ValueError:
        return None
    if result.get("entity") == "client":
        return record_id
    entity = ENTITIES.get(result.get("entity") or "")
    if entity is None or not hasattr(entity.model, "client_id"):
        return None
    return session.scalar(select(entity.model.client_id).where(entity.model.id == record_id))


def sync_problems(
    session: Session, user: User, preference: PushPreference, zone: ZoneInfo, now: dt.datetime
) -> list[Planned]:
    """Today's changes of this person that the clinic refused or that clash: one notice per client a day."""
    if not preference.sync_notices:
        return []
    local_today = now.astimezone(zone).date()
    since = local_day_bounds(local_today, zone)[0]
    problems: dict[uuid.UUID | None, list[str]] = {}
    for client_id in session.scalars(
        select(SyncConflict.client_id).where(
            SyncConflict.user_id == user.id,
            SyncConflict.resolved_at.is_(None),
            SyncConflict.created_at >= since,
        )
    ):
        problems.setdefault(client_id, []).append("conflict")
    rejected = select(AppliedChange.result).where(
        AppliedChange.user_id == user.id,
        AppliedChange.created_at >= since,
        AppliedChange.result["status"].as_string() == "rejected",
    )
    for result in session.scalars(rejected):
        problems.setdefault(_client_of_change(session, result), []).append("rejected")
    names = (
        dict(
            session.execute(
                select(Client.id, Client.first_name).where(
                    Client.id.in_([c for c in problems if c]), Client.practitioner_id == user.id
                )
            ).all()
        )
        if problems
        else {}
    )
    planned = []
    for client_id, kinds in problems.items():
        whose = f"{names[client_id]}'s record" if client_id in names else "a record"
        refused, clashes = kinds.count("rejected"), kinds.count("conflict")
        parts = ([f"the clinic could not take {refused}"] if refused else []) + (
            [f"{clashes} clash{'es' * (clashes > 1)} with a change made elsewhere"] if clashes else []
        )
        total = refused + clashes
        body = f"{total} change{'s' * (total > 1)} to {whose} need{'s' * (total == 1)} a look: {' and '.join(parts)}."
        payload = payload_json("A change needs your attention", body, f"{APP}#/attention")
        planned.append(
            Planned(
                user.id,
                "sync_problem",
                f"sync-problem:{user.id}:{local_today}:{client_id or 'none'}",
                payload,
                due_at=now,
                ttl=_seconds(_end_of_day(now, zone), now),
            )
        )
    return planned


def device_name(device: Device) -> str:
    """A device's label, shortened to "Chrome on Android" when it is a browser's user agent."""
    if not device.label:
        return "a phone"
    return label_for(device.label) if device.label.startswith("Mozilla/") else device.label[:60]


def _short_name(client: Client) -> str:
    return f"{client.first_name} {client.last_name[:1]}." if client.last_name else client.first_name


def morning_follow_ups(
    session: Session, user: User, preference: PushPreference, zone: ZoneInfo, now: dt.datetime
) -> list[Planned]:
    """From 08:00: the clinic's clients waiting for their next booking in the initial course."""
    local_now = now.astimezone(zone)
    if not preference.morning_follow_ups or local_now.hour < MORNING_HOUR:
        return []
    due = follow_ups_due(user.clinic_id, now=now, zone=zone)
    if not due:
        return []
    names = ", ".join(_short_name(f.client) for f in due[:5]) + (
        f" and {len(due) - 5} more" if len(due) > 5 else ""
    )
    clients = "1 client is" if len(due) == 1 else f"{len(due)} clients are"
    body = f"{clients} waiting for their next booking: {names}"
    payload = payload_json(
        "Follow-ups due", body if body.endswith(".") else f"{body}.", "/appointments/follow-ups"
    )
    today = local_now.date()
    due_at = combine_local(today, dt.time(MORNING_HOUR), zone)
    return [
        Planned(
            user.id,
            "follow_ups",
            f"follow-ups:{user.id}:{today.isoformat()}",
            payload,
            due_at=due_at,
            ttl=_seconds(_end_of_day(now, zone), due_at),
        )
    ]


def stale_devices(
    session: Session, user: User, preference: PushPreference, zone: ZoneInfo, now: dt.datetime, days: int
) -> list[Planned]:
    """From 08:00: practitioners' phones silent for over ``days`` days while they have appointments coming."""
    if not preference.stale_devices or now.astimezone(zone).hour < MORNING_HOUR:
        return []
    upcoming = (
        select(Appointment.practitioner_id, func.count().label("n"))
        .where(
            Appointment.clinic_id == user.clinic_id,
            Appointment.status == "booked",
            Appointment.deleted_at.is_(None),
            Appointment.starts_at >= now,
            Appointment.starts_at < now + UPCOMING,
        )
        .group_by(Appointment.practitioner_id)
        .subquery()
    )
    rows = session.execute(
        select(Device, User, upcoming.c.n)
        .join(User, User.id == Device.user_id)
        .join(upcoming, upcoming.c.practitioner_id == User.id)
        .where(User.clinic_id == user.clinic_id, User.active.is_(True), Device.revoked_at.is_(None))
    ).all()
    limit = now - dt.timedelta(days=days)
    planned = []
    for device, practitioner, count in rows:
        last = device.last_sync_at or device.created_at
        if last >= limit:
            continue
        silent = (now - last).days
        first_name = practitioner.name.split(" ")[0]
        phone = f" ({device_name(device)})"
        body = (
            f"{first_name}'s phone{phone} has not synced for {silent} days, and {first_name} has "
            f"{count} appointment{'s' * (count > 1)} in the next week."
        )
        payload = payload_json(
            "A phone has stopped syncing", body, f"/appointments/day?practitioner={practitioner.id}"
        )
        # One notice per silent spell: a phone that syncs and falls silent again is news again.
        key = f"stale-device:{user.id}:{device.id}:{last.isoformat()}"
        planned.append(
            Planned(
                user.id,
                "stale_device",
                key,
                payload,
                due_at=now,
                ttl=_seconds(_end_of_day(now, zone), now),
                urgency="low",
            )
        )
    return planned
