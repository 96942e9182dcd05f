"""What makes a password acceptable: long enough, not on the list of common or leaked ones,
and not built from the person's own name or email.

Every place a password is set (changing one's own, an admin's new user and reset, the
``create-user`` command) asks ``password_problem``, so they cannot disagree. The list ships
with the app (``data/common-passwords.txt.gz``; its README says where it comes from) and is
read once, on first use, into a set of lowercased entries: about 20 MB, held only by the
processes that set a password.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterable
from pathlib import Path

MIN_PASSWORD_LENGTH = 10
# Far above any passphrase; a bound keeps a megabyte of "password" from reaching scrypt.
MAX_PASSWORD_LENGTH = 256
LIST_PATH = Path(__file__).parent / "data" / "common-passwords.txt.gz"
# Words anyone would try first against this app (ASVS: context-specific words).
APP_WORDS = ("fieldbook", "bodystress", "body stress")

TOO_SHORT = f"Use at least {MIN_PASSWORD_LENGTH} characters."
TOO_LONG = f"Use at most {MAX_PASSWORD_LENGTH} characters."
COMMON = "This password is on a list of commonly used or leaked passwords. Choose another."
PERSONAL = "This password contains a name, an email or the name of the clinic or the app: easy to guess. Choose another."


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lowercased (read from disk on the first call only)."""
    with gzip.open(LIST_PATH, "rt", encoding="utf-8") as lines:
        return frozenset(entry for line in lines if (entry := line.rstrip("\r\n").lower()))


def is_common(password: str) -> bool:
    """Whether ``password``, ignoring case, is on the shipped list."""
    return password.lower() in common_passwords()


def _personal_words(words: Iterable[str | None]) -> set[str]:
    found = set(APP_WORDS)
    for word in words:
        word = (word or "").lower().partition("@")[0]  # of an email, the part before the @
        for part in re.split(r"[\s._+-]+", word):
            if len(part) >= 4:  # shorter parts (initials, "bsr", "org") match too much by chance
                found.add(part)
    return found


def password_problem(password: str, personal: Iterable[str | None] = ()) -> str | None:
    """Why ``password`` may not be used (a sentence for the person), or None if it may.

    ``personal`` holds the person's name, email and clinic: a password containing a part of
    one of them (or the app's name) is refused. The password is checked exactly as typed: nothing is
    trimmed or folded except to compare with the list and those words.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return TOO_SHORT
    if len(password) > MAX_PASSWORD_LENGTH:
        return TOO_LONG
    if is_common(password):
        return COMMON
    lowered = password.lower()
    if any(word in lowered for word in _personal_words(personal)):
        return PERSONAL
    return None
