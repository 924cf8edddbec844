"""Small helpers for German text: normalisation for search and slugs."""

from __future__ import annotations

import re
import unicodedata

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, replace umlauts and strip accents so that "Bürger" and "Buerger" match."""
    text = text.lower().translate(_UMLAUTS)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def slugify_de(text: str, max_length: int = 80) -> str:
    slug = "-".join(tokens(text))
    return slug[:max_length].strip("-") or "eintrag"


def is_index(text: str) -> bool:
    """True for a plain ASCII number of at most 9 digits (a list position or id from a request).

    ``str.isdigit`` is also true for ``"²"`` or ``"٣"``, which ``int()`` refuses, and for numbers with
    thousands of digits, which ``int()`` refuses as well – both came in as 500s (issue 12).
    """
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()
