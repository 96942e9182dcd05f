"""Who may see which clients. Every query for client data starts from these scopes.

A practitioner sees only the clients on their own caseload; staff and admins see their
whole clinic; nobody sees another clinic. A record outside the scope is reported as "not
found" (404), so an id that exists elsewhere cannot be told from one that does not.
"""

from __future__ import annotations

import uuid

from flask import abort
from sqlalchemy import Select, select

from webapp.auth.models import Role, User
from webapp.clients.models import Client
from webapp.extensions import db


def scope_clients(query: Select, user: User) -> Select:
    """Restrict a query that involves ``Client`` to what ``user`` may see."""
    query = query.where(Client.clinic_id == user.clinic_id, Client.deleted_at.is_(None))
    if user.role == Role.PRACTITIONER:
        query = query.where(Client.practitioner_id == user.id)
    return query


def visible_clients(user: User) -> Select:
    return scope_clients(select(Client), user)


def parse_uuid_or_404(value: str | uuid.UUID) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        abort(404)


def client_or_404(user: User, client_id) -> Client:
    """The client with ``client_id`` if ``user`` may see it; otherwise a 404."""
    query = visible_clients(user).where(Client.id == parse_uuid_or_404(client_id))
    client = db.session.scalars(query).first()
    if client is None:
        abort(404)
    return client


def record_of_visible_client_or_404(user: User, model, record_id):
    """A client-scoped record (visit, appointment, ...) if its client is visible to ``user``."""
    query = scope_clients(select(model).join(Client, Client.id == model.client_id), user).where(
        model.id == parse_uuid_or_404(record_id), model.deleted_at.is_(None)
    )
    record = db.session.scalars(query).first()
    if record is None:
        abort(404)
    return record
