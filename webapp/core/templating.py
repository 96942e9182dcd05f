"""Template filters: times in the clinic's own zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user


def clinic_zone() -> ZoneInfo:
    clinic = getattr(current_user, "clinic", None)
    return ZoneInfo(clinic.timezone if clinic else "Europe/London")


def local(value: dt.datetime | None, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    """A UTC time shown in the clinic's zone ("" for none)."""
    if value is None:
        return ""
    return value.astimezone(clinic_zone()).strftime(fmt)


def day(value: dt.date | dt.datetime | None, fmt: str = "%d %b %Y") -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.astimezone(clinic_zone())
    return value.strftime(fmt)


def register_filters(app: Flask) -> None:
    app.add_template_filter(local, "local")
    app.add_template_filter(day, "day")
