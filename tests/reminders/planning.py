"""What the planner's tests share: times in one June week in London, and phones as the server knows them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from webapp.extensions import db
from webapp.sync.models import Device

LONDON = ZoneInfo("Europe/London")


def london(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in June 2030 (British Summer Time, an hour ahead of UTC)."""
    return dt.datetime(2030, 6, day, hour, minute, tzinfo=LONDON).astimezone(dt.UTC)


def add_device(user, *, pending: int, last_sync: dt.datetime | None, label="Chrome on Android") -> Device:
    """A phone of ``user`` that last synced at ``last_sync`` and then reported ``pending`` changes waiting."""
    device = Device(
        user_id=user.id,
        label=label,
        pending_reported=pending,
        last_sync_at=last_sync,
        created_at=london(1, 9),
    )
    db.session.add(device)
    db.session.flush()
    return device
