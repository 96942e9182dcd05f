"""Who may open a page, by role: the others are answered "not found"."""

from __future__ import annotations

import functools

from flask import abort
from flask_login import current_user, login_required

from webapp.auth.models import Role


def role_required(*roles: Role):
    """Allow a view only to signed-in users with one of ``roles`` (others get a 404)."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator
