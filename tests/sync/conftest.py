"""A device that talks to the sync API the way the app does: bearer token, JSON."""

from __future__ import annotations

import uuid

from webapp.extensions import db


class Device:
    def __init__(self, app, login, user):
        self.user = user
        self.browser = login(user)
        session = self.browser.get("/api/v1/session").get_json()
        response = self.browser.client.post(
            "/api/v1/devices", json={"label": "test phone"}, headers={"X-CSRFToken": session["csrf_token"]}
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        self.id, self.token = body["device_id"], body["device_token"]
        self.http = app.test_client()  # no cookie: sync runs on the token alone
        self.cursor = None

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}

    def push_raw(self, payload, **kw):
        return self.http.post("/api/v1/sync/push", json=payload, headers=self.auth, **kw)

    def push(self, *changes, pending=None):
        payload = {"changes": list(changes)}
        if pending is not None:
            payload["pending"] = pending
        response = self.push_raw(payload)
        assert response.status_code == 200, response.get_json()
        db.session.expire_all()
        return response.get_json()["results"]

    def pull(self, cursor="__mine__", **params):
        cursor = self.cursor if cursor == "__mine__" else cursor
        if cursor:
            params["cursor"] = cursor
        response = self.http.get("/api/v1/sync/pull", query_string=params, headers=self.auth)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        self.cursor = body["cursor"]
        return body

    def resolve(self, conflict_id, choice, value=None):
        return self.http.post(
            f"/api/v1/sync/conflicts/{conflict_id}/resolve",
            json={"choice": choice, "value": value},
            headers=self.auth,
        )


def change(entity, record_id=None, base_version=0, op="upsert", change_id=None, **fields):
    body = {
        "change_id": str(change_id or uuid.uuid4()),
        "entity": entity,
        "id": str(record_id or uuid.uuid4()),
        "op": op,
        "base_version": base_version,
    }
    if op == "upsert":
        body["fields"] = {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in fields.items()}
    return body


def error_code(response) -> str:
    """The stable code of an API error answer (the one envelope every error comes in)."""
    return response.get_json()["error"]["code"]
