"""Keep secrets of e-mail links out of the logs.

Links in e-mails carry a token in their path (password reset, e-mail confirmation, invitations, access links
for applicants without an account, resuming a draft). Whoever reads the access log could use them. Every
such URL pattern names its secret ``token``; :func:`redact` finds paths in a text, resolves them with the
project's URL configuration and replaces the value of every ``token`` argument by ``[entfernt]``. It is used
by the logging filter :class:`RedactTokensFilter` (all Django and Amtsweg log lines) and by gunicorn's access
log (:class:`GunicornLogger`, set by ``amtsweg serve``). The views exchange the token for a session on the
first request, so the token appears in one request line at most.
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.urls import resolve
from django.utils import translation
from gunicorn.glogging import Logger as GunicornBaseLogger

SECRET_ARGUMENTS = frozenset({"token"})
REDACTED = "[entfernt]"
_PATH = re.compile(r"(?:https?://[^/\s\"']+)?(/[^\s\"'?#]*)")


def _secrets_in(path: str) -> list[str]:
    language = next(
        (code for code, _name in settings.LANGUAGES if path.startswith(f"/{code}/")), settings.LANGUAGE_CODE
    )
    try:
        with translation.override(language):
            match = resolve(unquote(path))
    except Exception:  # not one of our pages (404) or not resolvable: nothing to hide
        return []
    return [str(v) for k, v in match.kwargs.items() if k in SECRET_ARGUMENTS and v and str(v) != "-"]


def redact(text: str) -> str:
    """``text`` with the secret of every link path in it replaced by ``[entfernt]``."""
    if "/" not in text:
        return text

    def one(found: re.Match[str]) -> str:
        whole, path = found.group(0), found.group(1)
        for secret in _secrets_in(path):
            whole = whole.replace(secret, REDACTED).replace(quote(secret, safe=""), REDACTED)
        return whole

    return _PATH.sub(one, text)


class RedactTokensFilter(logging.Filter):
    """A logging filter for handlers: the message of every record with link secrets redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logged as it is
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


class GunicornLogger(GunicornBaseLogger):
    """gunicorn's logger with link secrets redacted from the request line, path, query and referer."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f", "{referer}i"):
            value = atoms.get(key)
            if isinstance(value, str):
                atoms[key] = redact(value)
        return atoms
