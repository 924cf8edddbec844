"""Reference numbers (Aktenzeichen) of submissions, e.g. ``AW-2026-7K3QF9XM``.

Seven random characters from Crockford's base32 alphabet (no I, L, O, U: nothing to confuse on the
phone) and one check character (Luhn mod 32), so a mistyped digit or two swapped neighbours are noticed
before anyone searches. Uniqueness needs no global lock or counter: 32⁷ ≈ 34 billion numbers per year,
the database's unique constraint catches the rare collision and the caller draws again.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "AW"
RANDOM_LENGTH = 7
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Crockford's reading rules: letters that look like digits mean the digit.
_READ_AS = str.maketrans({"I": "1", "L": "1", "O": "0"})
_PATTERN = re.compile(r"^AW-?(\d{4})-?([0-9A-Z]{8})$")


def check_character(body: str) -> str:
    """Luhn mod 32 over ``body``: detects every single wrong character and every swap of neighbours."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * _VALUE[char]
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return ALPHABET[(32 - total % 32) % 32]


def reference_new(when: dt.datetime | None = None) -> str:
    """A fresh random reference number for the year of ``when`` (local time, default now)."""
    year = timezone.localtime(when or timezone.now()).year
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{PREFIX}-{year}-{body}{check_character(body)}"


def reference_normalize(text: str) -> str | None:
    """The canonical form of a reference number typed by a person, or ``None`` if it cannot be one.

    Case, spaces and missing hyphens do not matter; I/L are read as 1 and O as 0 (Crockford);
    a wrong check character means a typing error.
    """
    cleaned = re.sub(r"\s", "", text.upper())
    match = _PATTERN.match(cleaned[:2] + cleaned[2:].translate(_READ_AS))
    if not match:
        return None
    year, code = match.groups()
    if any(char not in _VALUE for char in code) or check_character(code[:-1]) != code[-1]:
        return None
    return f"{PREFIX}-{year}-{code}"
