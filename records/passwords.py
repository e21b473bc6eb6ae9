"""The password policy, applied wherever a password is set (web form, CLI, first start).

At least `MIN_LENGTH` characters, not the user name, and not a common password: the list
ships with the package (`common_passwords.txt`), and a password that is one of those
words with only digits or punctuation added around it ('Password2026!') counts as it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

MIN_LENGTH = 12
MAX_LENGTH = 1024  # argon2 hashes anything, but a megabyte password is a denial of service
COMMON_FILE = "common_passwords.txt"
_PADDING = re.compile(r"^[\d\W_]+|[\d\W_]+$")


class WeakPassword(ValueError):
    """The password does not meet the policy; the message says which rule."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    text = resources.files("records").joinpath(COMMON_FILE).read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str = "") -> None:
    """Raise `WeakPassword` when `password` may not be used."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if username and lowered == username.strip().lower():
        raise WeakPassword("password must not be the user name")
    common = common_passwords()
    if lowered in common or _PADDING.sub("", lowered) in common:
        raise WeakPassword("password is too common; choose a longer phrase of unrelated words")
