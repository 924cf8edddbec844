"""Input that no part of Amtsweg can store or process: refused early, with a 4xx, never a 500.

Two kinds of text break things further down: the NUL character (PostgreSQL refuses it in text columns)
and lone UTF-16 surrogates (``"\\ud800"`` in JSON: no UTF-8 encoding exists, so every write or template
fails). :class:`~amtsweg.core.middleware.HostileInputMiddleware` refuses them in the path, the query
string and form fields of every request; :func:`json_loads` refuses them in JSON bodies, together with
bodies too large or nested too deep for Python's parser (which gives up with ``RecursionError``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

FORBIDDEN_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
JSON_MAX_DEPTH = 32
JSON_MAX_BYTES = 1024 * 1024
_STRINGS = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class JsonRejected(ValueError):
    """A JSON body we do not process; ``message`` is German and meant for the client."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def text_is_safe(value: str) -> bool:
    """True when ``value`` holds neither NUL nor a lone surrogate."""
    return FORBIDDEN_CHARACTERS.search(value) is None


def forbidden_characters_message() -> str:
    return _(
        "Die Anfrage enthält Nullzeichen oder ungültige Unicode-Zeichen, die wir nicht verarbeiten "
        "können. Bitte entfernen Sie diese Zeichen."
    )


def json_too_deep(raw: bytes, max_depth: int) -> bool:
    """True when arrays and objects in ``raw`` nest deeper than ``max_depth`` (strings skipped)."""
    depth = 0
    for match in _BRACKETS.finditer(_STRINGS.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            if depth > max_depth:
                return True
        else:
            depth -= 1
    return False


def _check_strings(value: Any, depth: int = 0) -> None:
    if isinstance(value, str):
        if not text_is_safe(value):
            raise JsonRejected(forbidden_characters_message())
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key, depth + 1)
            _check_strings(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, depth + 1)


JSON_MAX_INT_DIGITS = 300


def _parse_int(text: str) -> int | float:
    """An integer literal; one with hundreds of digits becomes infinity, which validators refuse with a
    message about the field ("zu groß") instead of Python refusing the whole body (more than 4,300 digits)
    or converting it slowly."""
    if len(text.lstrip("-")) > JSON_MAX_INT_DIGITS:
        return float("-inf") if text.startswith("-") else float("inf")
    return int(text)


def json_loads(raw: bytes | str, *, max_depth: int = JSON_MAX_DEPTH, max_bytes: int = JSON_MAX_BYTES) -> Any:
    """``json.loads`` for bodies from the internet: raises :class:`JsonRejected` (a ``ValueError``) for a
    body larger than ``max_bytes``, nested deeper than ``max_depth``, not JSON, or with NUL or lone
    surrogates in any string or key."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else bytes(raw)
    if len(data) > max_bytes:
        raise JsonRejected(_("Die Anfrage ist zu groß (höchstens %(kb)d KB).") % {"kb": max_bytes // 1024})
    if json_too_deep(data, max_depth):
        raise JsonRejected(
            _("Das JSON ist zu tief verschachtelt (höchstens %(depth)d Ebenen).") % {"depth": max_depth}
        )
    try:
        value = json.loads(data or b"null", parse_int=_parse_int)
    except (ValueError, UnicodeDecodeError, RecursionError) as error:
        raise JsonRejected(_("Der Inhalt der Anfrage ist kein gültiges JSON.")) from error
    _check_strings(value)
    return value
