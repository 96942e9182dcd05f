"""Imports every feature's models so that the metadata (and Alembic) sees every table."""

from webapp.appointments.models import Appointment
from webapp.audit.models import AuditEvent
from webapp.auth.models import Clinic, LoginFailure, User
from webapp.clients.models import Acknowledgement, CaseHistory, Client
from webapp.reminders.models import DeliveryAttempt, Notification, PushPreference, PushSubscription
from webapp.sync.models import AppliedChange, ChangeLog, Device, SyncClock, SyncConflict
from webapp.visits.models import Finding, Sensation, SensationRating, Visit
from webapp.vocab.models import VocabularyTerm

__all__ = [
    "Acknowledgement",
    "AppliedChange",
    "Appointment",
    "AuditEvent",
    "CaseHistory",
    "ChangeLog",
    "Client",
    "Clinic",
    "DeliveryAttempt",
    "Device",
    "Finding",
    "LoginFailure",
    "Notification",
    "PushPreference",
    "PushSubscription",
    "Sensation",
    "SensationRating",
    "SyncClock",
    "SyncConflict",
    "User",
    "Visit",
    "VocabularyTerm",
]
