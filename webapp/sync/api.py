"""The sync API, version 1 (docs/sync-protocol.md; OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, g, request
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy.exc import IntegrityError

from webapp.audit.services import record_event
from webapp.auth import sessions as web_sessions
from webapp.auth.models import Role, WebSession
from webapp.clients.consent import audit_consent_changes
from webapp.core.api import (
    ApiError,
    DeviceCaller,
    device_required,
    ok,
    session_user_required,
    use_device_authority,
)
from webapp.core.wire import read
from webapp.db import now_utc
from webapp.errors import error_response
from webapp.extensions import db
from webapp.sync import conflicts as conflict_rules
from webapp.sync import devices, identity, parking, publish
from webapp.sync.changes import Change, parse_changes
from webapp.sync.cursor import BadCursor
from webapp.sync.entities import ENTITIES, serialise
from webapp.sync.outcome import ResultJSON
from webapp.sync.pull import DEFAULT_LIMIT, conflict_to_wire, pull
from webapp.sync.push import push
from webapp.sync.wire import DeviceBody, EscrowBody, ParkBody, ResolveBody

bp = Blueprint("sync_api", __name__, url_prefix="/api/v1")


def _as_api_error(refused: devices.DeviceRefused) -> ApiError:
    return ApiError(401, refused.code, str(refused), **({"reason": refused.reason} if refused.reason else {}))


def _device_authority(token: str | None) -> DeviceCaller:
    """Who a bearer token belongs to (core/api.py asks): a live, unlapsed, unrevoked device."""
    try:
        device = devices.device_for_token(
            db.session(), token, lapse_days=current_app.config["DEVICE_TOKEN_DAYS"]
        )
    except devices.DeviceRefused as refused:
        raise _as_api_error(refused) from None
    devices.note_contact(device)
    return DeviceCaller(device, device.user)


@bp.record_once
def _hand_core_what_it_needs(state: BlueprintSetupState) -> None:
    use_device_authority(state.app, _device_authority)
    state.app.config["RULES_REVISION"] = publish.RULES_REVISION


@bp.get("/session")
@session_user_required
def session_info() -> ResponseReturnValue:
    user = current_user
    return ok(
        user={
            "id": str(user.id),
            "name": user.name,
            "role": user.role.value,
            "clinic_id": str(user.clinic_id),
        },
        csrf_token=generate_csrf(),
        vapid_public_key=current_app.config["VAPID_PUBLIC_KEY"],
    )


@bp.post("/devices")
@session_user_required
def register_device() -> ResponseReturnValue:
    if current_user.role != Role.PRACTITIONER:
        return error_response(403, "Only practitioners keep client records on a device.", code="forbidden")
    body = read(DeviceBody, request.get_json(silent=True) if request.content_length else {})
    label = _printable(body.label or request.user_agent.string or "Browser")[:120]
    device, token, escrow_key = devices.register_device(
        db.session(), current_user, label, current_app.config["SECRET_KEY"]
    )
    record_event(
        "device.register",
        user=current_user,
        subject_type="device",
        subject_id=device.id,
        address=request.remote_addr,
    )
    db.session.commit()
    return ok(device_id=str(device.id), device_token=token, escrow_key=escrow_key), 201


@bp.post("/devices/escrow")
@session_user_required
def release_escrow() -> ResponseReturnValue:
    """A sign-in online on the phone itself gives back its escrow key and renews its token.

    Both proofs are needed: the password just typed (the session) and the phone's own proof
    (the SHA-256 of its token: the token itself is locked away with the client data, and the
    hash alone cannot sync), even for a lapsed token. A revoked phone never gets it again.
    """
    body = read(EscrowBody, request.get_json(silent=True))
    try:
        device = devices.device_for_proof(db.session(), str(body.device_id), body.proof)
    except devices.DeviceRefused as refused:
        raise _as_api_error(refused) from None
    if device.user_id != current_user.id:
        return error_response(403, "This phone belongs to someone else.", code="forbidden")
    if not _signed_in_lately():
        return error_response(
            401, "Sign in again on this phone to unlock it.", code="unauthenticated", reason="stale_sign_in"
        )
    key = devices.escrow_key(device, current_app.config["SECRET_KEY"], create=True)
    if key is None:
        return error_response(
            409,
            "This phone's key cannot be opened any more (the server's secret key "
            "changed). Ask the clinic to sign the phone out.",
            code="escrow_unavailable",
        )
    device.last_seen_at = now_utc()  # the sign-in renews a lapsed token
    record_event(
        "device.escrow_release",
        user=current_user,
        subject_type="device",
        subject_id=device.id,
        address=request.remote_addr,
    )
    db.session.commit()
    return ok(escrow_key=key)


@bp.get("/schema")
@device_required
def schema() -> ResponseReturnValue:
    config, clinic = current_app.config, g.device_user.clinic
    lock = {
        "lock_after_minutes": clinic.lock_after_minutes,
        "token_days": config["DEVICE_TOKEN_DAYS"],
        "offline_unlock_days": config["DEVICE_OFFLINE_UNLOCK_DAYS"],
    }
    return ok(**publish.schema_document(clinic.id), device_policy=lock)


@bp.post("/sync/push")
@device_required
def sync_push() -> ResponseReturnValue:
    payload = request.get_json(silent=True)
    changes, pending = parse_changes(payload)
    try:  # a device that synced with another copy of this database first recovers (see identity.py)
        sent = payload if isinstance(payload, dict) else {}  # parse_changes refused anything else
        identity.check(db.session(), sent.get("cursor"), sent.get("server_id"))
    except identity.ServerRestored as restored:
        return _restored(restored)
    # The same push sent twice at once (a retry racing its original) collides on the ids the
    # first one is writing; once it has committed, a second try finds its stored answers.
    for attempt in (1, 2):
        try:
            results = _apply_push(changes, pending)
            break
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                return error_response(
                    409,
                    "These changes are being stored by another request; send them again in a moment.",
                    code="in_progress",
                )
    return ok(results=results, server_time=now_utc().isoformat())


def _apply_push(changes: list[Change], pending: int | None) -> list[ResultJSON]:
    results = push(db.session(), g.device_user, g.device.id, changes)
    if pending is not None:  # as counted before this push; the column is a 32-bit integer
        g.device.pending_reported = min(max(int(pending) - len(changes), 0), 2**31 - 1)
    g.device.last_sync_at = now_utc()
    _audit_push(results)
    audit_consent_changes(db.session(), g.device_user, request.remote_addr)
    db.session.commit()
    return results


def _restored(restored: identity.ServerRestored) -> ResponseReturnValue:
    """409 server_restored: the phone re-sends what it kept and takes a full copy."""
    db.session.commit()  # a restore done by hand is marked once, for every phone alike
    return error_response(409, str(restored), code="server_restored", **restored.details())


@bp.post("/sync/park")
@device_required
def sync_park() -> ResponseReturnValue:
    """Hand refused changes for a client who left the caseload to the clinic desk."""
    body = read(ParkBody, request.get_json(silent=True))
    added = parking.park(db.session(), g.device_user, g.device.id, body)
    if added is None:
        return error_response(404, "That client was never on your caseload.", code="not_found")
    if added:
        record_event(
            "sync.park",
            user=g.device_user,
            subject_type="client",
            subject_id=body.client_id,
            detail={"changes": added, "device": str(g.device.id)},
        )
    db.session.commit()
    return ok(parked=added)


ESCROW_SIGN_IN_SECONDS = 15 * 60


def _signed_in_lately() -> bool:
    """Whether this browser's password sign-in is recent: a session left open all day must
    not unlock a phone someone picked up."""
    session_id = web_sessions.current_id()
    row = db.session.get(WebSession, session_id) if session_id else None
    started = row.created_at if row is not None else None
    return started is not None and now_utc() - started <= dt.timedelta(seconds=ESCROW_SIGN_IN_SECONDS)


def _printable(text: str) -> str:
    """``text`` without control characters (a NUL cannot even be stored on PostgreSQL)."""
    return "".join(c for c in text if c.isprintable()).strip() or "Browser"


def _audit_push(results: list[ResultJSON]) -> None:
    changed: dict[str, set[str]] = {}
    for result in results:
        if result["status"] in ("applied", "conflict") and result.get("record"):
            client = result["record"]["fields"].get("client_id") or (
                result["id"] if result["entity"] == "client" else None
            )
            if client:
                changed.setdefault(client, set()).add(result["entity"])
    for client_id, entities in changed.items():
        record_event(
            "sync.push",
            user=g.device_user,
            subject_type="client",
            subject_id=client_id,
            detail={"entities": sorted(entities), "device": str(g.device.id)},
        )


@bp.get("/sync/pull")
@device_required
def sync_pull() -> ResponseReturnValue:
    try:
        limit = int(request.args.get("limit", current_app.config["SYNC_PULL_PAGE"]))
    except ValueError:
        limit = 0
    if not 1 <= limit <= DEFAULT_LIMIT:
        return error_response(
            400, f"The limit must be a whole number from 1 to {DEFAULT_LIMIT}.", code="invalid_request"
        )
    # A device may ask for smaller pages (to store one while the next comes), never for
    # larger ones than the server's own page size.
    limit = min(limit, current_app.config["SYNC_PULL_PAGE"])
    paged = request.args.getlist("paged")
    if len(paged) > 1 or paged[0:1] not in ([], ["0"], ["1"]):
        return error_response(400, "paged must be 0 or 1.", code="invalid_request")
    try:
        inner = identity.check(db.session(), request.args.get("cursor"), request.args.get("server_id"))
        body = pull(
            db.session(),
            g.device_user,
            inner,
            limit,
            device_id=g.device.id,
            paged=paged == ["1"],
        )
    except BadCursor as problem:
        return error_response(400, str(problem), code="bad_cursor")
    except identity.BadServerId as problem:
        return error_response(400, str(problem), code="invalid_request")
    except identity.ServerRestored as restored:
        return _restored(restored)
    body["cursor"] = identity.stamp(db.session(), body["cursor"])
    body["server_id"] = str(identity.current(db.session()).identity)
    if body["records"] or body["evict"]:  # a pull that carried client data: who, which phone, how much
        record_event(
            "sync.pull",
            user=g.device_user,
            subject_type="device",
            subject_id=g.device.id,
            detail={
                "records": len(body["records"]),
                "evicted": len(body["evict"]),
                "first": not request.args.get("cursor"),
            },
        )
    db.session.commit()  # last_seen_at, the audit row
    return ok(**body)


@bp.post("/sync/device/escrow")
@device_required
def first_escrow() -> ResponseReturnValue:
    """A phone registered before the app locked asks for its escrow key, once: with nothing
    yet wrapped by it there is nothing to protect, and afterwards only a sign-in releases it."""
    if g.device.escrow_sealed:
        return error_response(
            403,
            "This phone already has its key; it is released again only after signing in on the phone.",
            code="forbidden",
        )
    key = devices.escrow_key(g.device, current_app.config["SECRET_KEY"], create=True)
    db.session.commit()
    return ok(escrow_key=key)


@bp.post("/sync/device/retire")
@device_required
def retire_device() -> ResponseReturnValue:
    """The device signs out: its token stops working at once."""
    devices.revoke_device(g.device, by=g.device_user)
    record_event("device.retire", user=g.device_user, subject_type="device", subject_id=g.device.id)
    db.session.commit()
    return ok()


@bp.post("/sync/conflicts/<conflict_id>/resolve")
@device_required
def resolve_conflict(conflict_id: str) -> ResponseReturnValue:
    conflict = conflict_rules.visible_conflict(db.session(), g.device_user, conflict_id)
    if conflict is None:
        return error_response(404, "There is no such conflict on your caseload.", code="not_found")
    body = read(ResolveBody, request.get_json(silent=True))
    try:
        conflict_rules.resolve(db.session(), g.device_user, conflict, body.choice, body.value)
    except conflict_rules.ResolutionRefused as refused:
        return error_response(400 if refused.code == "invalid" else 409, str(refused), code=refused.code)
    record_event(
        "conflict.resolve",
        user=g.device_user,
        subject_type="client",
        subject_id=conflict.client_id,
        detail={"entity": conflict.entity, "field": conflict.field, "choice": conflict.resolution},
    )
    db.session.commit()
    entity = ENTITIES[conflict.entity]
    record = db.session.get(entity.model, conflict.entity_id)
    if record is None:  # resolve() found it a moment ago, and records are never deleted
        raise LookupError(f"the {conflict.entity} {conflict.entity_id} does not exist")
    return ok(conflict=conflict_to_wire(conflict), record=serialise(entity, record))
