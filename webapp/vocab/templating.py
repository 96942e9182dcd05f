"""The template filter that turns a vocabulary code into the clinic's words for it."""

from __future__ import annotations

from flask import Flask, g
from flask_login import current_user

from webapp.vocab.services import terms


def vocab(code: str | None, kind: str) -> str:
    """The words for a vocabulary code; each kind is read once per request."""
    if not code:
        return ""
    cache = g.setdefault("vocabulary_labels", {})
    if kind not in cache:
        cache[kind] = dict(terms(kind, getattr(current_user, "clinic_id", None)))
    return cache[kind].get(code, code)


def register_vocabulary_filter(app: Flask) -> None:
    app.add_template_filter(vocab, "vocab")
