"""Middleware that refuses hostile input before any view sees it (see :mod:`amtsweg.core.safeinput`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from amtsweg.core.safeinput import forbidden_characters_message, text_is_safe

logger = logging.getLogger("amtsweg.security")

API_PREFIX = "/api/"
JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _all_safe(values: Any) -> bool:
    return all(text_is_safe(key) and all(text_is_safe(v) for v in items) for key, items in values.lists())


def _answer(request: HttpRequest, status: int, message: str) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return HttpResponse(
            json.dumps({"detail": message}, ensure_ascii=False),
            status=status,
            content_type="application/json",
        )
    body: str
    try:
        body = render_to_string("400.html", {"message": message, "status": status}, request=request)
    except Exception:
        body = message
    return HttpResponse(body, status=status, content_type="text/html; charset=utf-8")


class HostileInputMiddleware:
    """Answers 400 for NUL or lone surrogates in the path, the query string or form fields, and 415 for an
    API write whose body is not declared as JSON (``text/plain`` or no Content-Type: a foreign web page
    could make a visitor's browser send those without asking, see docs/security/hostile-input.md).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not text_is_safe(request.path_info) or not _all_safe(request.GET):
            return _answer(request, 400, forbidden_characters_message())
        if (
            request.path_info.startswith(API_PREFIX)
            and request.method in ("POST", "PUT", "PATCH")
            and request.content_type not in JSON_TYPES
        ):
            return _answer(
                request,
                415,
                _("Bitte senden Sie den Inhalt als JSON mit dem Kopf „Content-Type: application/json“."),
            )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        # A record that does not exist, or an id beyond any database integer (SQLite raises
        # OverflowError), is a 404 – also in views we do not write (django-otp's admin pages do
        # ``Model.objects.get(pk=…)``).
        if isinstance(exception, ObjectDoesNotExist | OverflowError):
            logger.warning("404 statt 500 für %s: %r", request.path, exception)
            return response_for_exception(request, Http404(str(exception)))
        return None

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], *args: Any
    ) -> HttpResponse | None:
        # Form fields. A multipart body is parsed here only where the CSRF check parses it anyway (or
        # did already): a csrf-exempt view may set its own upload handlers, which must come first.
        if request.method != "POST" or request.content_type not in FORM_TYPES:
            return None
        parse = (
            request.content_type == FORM_TYPES[0]
            or "_post" in request.__dict__
            or not getattr(view_func, "csrf_exempt", False)
        )
        if parse and not _all_safe(request.POST):
            return _answer(request, 400, forbidden_characters_message())
        return None
