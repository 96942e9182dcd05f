"""Reminder settings: the desk page, and the JSON calls the app makes to (un)subscribe a browser.

The desk page and a desk browser's calls use the signed-in session and its CSRF token (the
API takes it in the X-CSRFToken header, as webapp/static/js/api.js sends it); the phone app
calls with its device token, so a phone's subscription belongs to its device. Every query is
limited to the caller's own subscriptions: someone else's id is answered as "not found".
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.audit.services import record_event
from webapp.auth import sessions as web_sessions
from webapp.core.api import device_or_session_required, ok
from webapp.core.wire import read
from webapp.errors import error_response
from webapp.extensions import db
from webapp.reminders import services
from webapp.reminders.forms import PushPreferenceForm
from webapp.reminders.models import PushSubscription
from webapp.reminders.sender import SenderSettings, send_test
from webapp.reminders.wire import EndpointBody, SubscriptionBody

bp = Blueprint("reminders", __name__, url_prefix="/settings/notifications")
api = Blueprint("reminders_api", __name__, url_prefix="/api/v1/push")

TEST_RESULTS = {
    "sent": ("success", "A test notification is on its way to {label}."),
    "pending": ("error", "{label}'s push service is busy; Fieldbook will try the test again in a minute."),
    "failed": ("error", "{label}'s push service refused the test notification."),
    "lost": ("error", "The test notification could not be sent; please try again."),
    "gone": (
        "error",
        "{label} has stopped accepting notifications, so it was removed. "
        "Turn reminders on again in the app on that device.",
    ),
}


def _fields_for_role(form: PushPreferenceForm) -> tuple[str, ...]:
    return form.PRACTITIONER_FIELDS if current_user.is_practitioner else form.DESK_FIELDS


def _settings() -> SenderSettings:
    return SenderSettings.from_config(current_app.config)


def _wire(subscription: PushSubscription) -> dict:
    return {
        "id": str(subscription.id),
        "label": subscription.label,
        "endpoint": subscription.endpoint,
        "created_at": subscription.created_at.isoformat(),
        "last_success_at": subscription.last_success_at.isoformat() if subscription.last_success_at else None,
    }


def _test(subscription: PushSubscription) -> str:
    """Send a test; "gone" if the push service said the browser unsubscribed."""
    subscription_id, status = subscription.id, send_test(db.session(), _settings(), subscription)
    if db.session.scalar(select(PushSubscription.id).where(PushSubscription.id == subscription_id)) is None:
        return "gone"
    return status


@bp.route("", methods=["GET", "POST"])
@login_required
def settings():
    preference = services.preferences_of(db.session(), current_user.id)
    form = PushPreferenceForm(obj=preference)
    fields = _fields_for_role(form)
    if form.validate_on_submit():
        services.save_preferences(db.session(), current_user, {name: form[name].data for name in fields})
        db.session.commit()
        flash("Your reminder settings are saved.", "success")
        return redirect(url_for("reminders.settings"))
    return render_template(
        "reminders/settings.html",
        form=form,
        fields=fields,
        subscriptions=services.subscriptions_of(db.session(), current_user),
        vapid_public_key=current_app.config["VAPID_PUBLIC_KEY"],
    )


@bp.route("/<subscription_id>/test", methods=["POST"])
@login_required
def test(subscription_id):
    subscription = services.subscription_of(db.session(), current_user, subscription_id)
    if subscription is None:
        return error_response(404)
    label = subscription.label or "This browser"
    category, message = TEST_RESULTS.get(_test(subscription), TEST_RESULTS["failed"])
    flash(message.format(label=label), category)
    return redirect(url_for("reminders.settings"))


@bp.route("/<subscription_id>/remove", methods=["POST"])
@login_required
def remove(subscription_id):
    if not services.unsubscribe(db.session(), current_user, subscription_id=subscription_id):
        return error_response(404)
    record_event(
        "push.unsubscribe", user=current_user, subject_type="push_subscription", subject_id=subscription_id
    )
    db.session.commit()
    flash("That device will no longer get reminders.", "success")
    return redirect(url_for("reminders.settings"))


@api.get("/vapid-public-key")
@device_or_session_required
def vapid_public_key():
    return ok(vapid_public_key=current_app.config["VAPID_PUBLIC_KEY"])


@api.get("/subscriptions")
@device_or_session_required
def list_subscriptions():
    return ok(subscriptions=[_wire(s) for s in services.subscriptions_of(db.session(), g.caller)])


@api.post("/subscriptions")
@device_or_session_required
def subscribe():
    body = read(SubscriptionBody, request.get_json(silent=True))
    try:  # the shape is the model's; whether the keys are a real P-256 point, and the address, are the rules'
        endpoint, p256dh, auth = services.check_subscription(
            body.model_dump(), allow_insecure=current_app.config["PUSH_ALLOW_HTTP_ENDPOINTS"]
        )
    except services.InvalidSubscription as problem:
        return error_response(400, str(problem), code="invalid_subscription")
    known = {s.endpoint for s in services.subscriptions_of(db.session(), g.caller)}
    label = services.label_for(request.user_agent.string)
    try:
        subscription = services.subscribe(
            db.session(),
            g.caller,
            endpoint,
            p256dh,
            auth,
            label,
            device_id=g.caller_device.id if g.caller_device else None,
            web_session_id=None if g.caller_device else web_sessions.current_id(),
        )
    except services.EndpointTaken:
        db.session.rollback()
        return error_response(
            409,
            "This browser already receives another person's reminders. They can turn them "
            "off (or sign out) on it first.",
            code="endpoint_taken",
        )
    record_event(
        "push.subscribe",
        user=g.caller,
        subject_type="push_subscription",
        subject_id=subscription.id,
        detail={"label": label, **({"device": str(g.caller_device.id)} if g.caller_device else {})},
    )
    db.session.commit()
    return ok(subscription=_wire(subscription)), 200 if endpoint in known else 201


@api.delete("/subscriptions")
@device_or_session_required
def unsubscribe_endpoint():
    """The browser unsubscribing itself: it knows its endpoint, not our id."""
    body = read(EndpointBody, request.get_json(silent=True))
    if not services.unsubscribe(db.session(), g.caller, endpoint=body.endpoint):
        return error_response(404, "This browser has no reminders to turn off.", code="not_found")
    record_event("push.unsubscribe", user=g.caller, subject_type="push_subscription")
    db.session.commit()
    return ok()


@api.delete("/subscriptions/<subscription_id>")
@device_or_session_required
def unsubscribe(subscription_id):
    if not services.unsubscribe(db.session(), g.caller, subscription_id=subscription_id):
        return error_response(404, "You have no such subscription.", code="not_found")
    record_event(
        "push.unsubscribe", user=g.caller, subject_type="push_subscription", subject_id=subscription_id
    )
    db.session.commit()
    return ok()


@api.post("/subscriptions/<subscription_id>/test")
@device_or_session_required
def test_subscription(subscription_id):
    subscription = services.subscription_of(db.session(), g.caller, subscription_id)
    if subscription is None:
        return error_response(404, "You have no such subscription.", code="not_found")
    return ok(result=_test(subscription))
