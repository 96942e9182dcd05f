"""Access logs that carry no client search terms.

A search at the desk is a GET (``/clients/?q=morgan``), so the name typed would otherwise sit
in every access log, and in the Referer of the page opened next. Both servers' request lines
are rewritten before they are written: every query value is replaced by ``redacted``, except
those of SAFE_PARAMETERS, which hold only page numbers, dates and ids.

- gunicorn: ``--logger-class webapp.audit.access_log.RedactingGunicornLogger`` (the Makefile's
  ``serve`` and docs/deployment.md use it);
- werkzeug's development server: ``create_app`` adds ``RedactQueryStrings`` to its logger.
"""

from __future__ import annotations

import logging
import re
from typing import overload
from urllib.parse import unquote_plus

from gunicorn.glogging import Logger as GunicornLogger

REDACTED = "redacted"
# Parameters whose values are never typed by a person: page numbers, ISO dates, ids, cursors.
SAFE_PARAMETERS = frozenset({"page", "date", "start", "practitioner", "client", "subject", "limit", "cursor"})


@overload
def redact_query(query: str) -> str: ...
@overload
def redact_query(query: None) -> None: ...
def redact_query(query: str | None) -> str | None:
    """``query`` (a query string) with each value replaced, except those of SAFE_PARAMETERS."""
    if not query:
        return query
    pairs = []
    for pair in query.split("&"):
        name, has_value, _value = pair.partition("=")
        if not pair or unquote_plus(name) in SAFE_PARAMETERS:
            pairs.append(pair)
        else:  # a bare word (``?morgan``) is itself the search
            pairs.append(f"{name}={REDACTED}" if has_value else REDACTED)
    return "&".join(pairs)


@overload
def redact_target(target: str) -> str: ...
@overload
def redact_target(target: None) -> None: ...
def redact_target(target: str | None) -> str | None:
    """A path or URL with its query string redacted (its fragment is dropped as well)."""
    if not target or "?" not in target:
        return target
    head, _, query = target.partition("?")
    return f"{head}?{redact_query(query.partition('#')[0])}"


_TARGET_IN_LINE = re.compile(r"(?P<target>/\S*\?\S*)")


def redact_line(line: str) -> str:
    """A request line (``GET /clients/?q=x HTTP/1.1``) with its query string redacted."""
    return _TARGET_IN_LINE.sub(lambda match: redact_target(match["target"]), line)


class RedactQueryStrings(logging.Filter):
    """Redacts the request line werkzeug's development server logs for each request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (redact_line(record.args[0]), *record.args[1:])
        return True


def redact_werkzeug_log() -> None:
    """Add the filter to werkzeug's logger (once per process)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactQueryStrings) for f in logger.filters):
        logger.addFilter(RedactQueryStrings())


class RedactingGunicornLogger(GunicornLogger):
    """gunicorn's logger, with every place a query string reaches the access log redacted."""

    QUERY_ATOMS = ("r", "q", "f", "{referer}i", "{raw_uri}e", "{query_string}e", "{request_uri}e")

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in self.QUERY_ATOMS:
            value = atoms.get(key)
            if isinstance(value, str):
                # The stubs' TypedDict lists gunicorn's fixed atoms only; the {name}e and {name}i
                # ones are as real, and are where a query string also appears.
                atoms[key] = (  # type: ignore[literal-required]
                    redact_query(value) if key in ("q", "{query_string}e") else redact_line(value)
                )
        return atoms
