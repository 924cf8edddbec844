"""Uploaded files are limited while they arrive, not after they were written to disk.

Django's default handlers keep small files in memory and write larger ones whole to a temporary file; the
size check of the upload (``submissions.uploads``, ``cases.services.document_check``) came only after that,
so a 5 GB upload filled the server's disk first. :class:`LimitedUploadHandler` sits first in
``FILE_UPLOAD_HANDLERS`` and sees every chunk before the others: a file that grows past
``AMTSWEG_UPLOAD_MAX_MB`` is dropped at once (``SkipFile``: what was buffered is freed, the rest of it is read
and thrown away), and a request announcing more than the largest sensible total is not parsed at all.
:class:`UploadLimitMiddleware` then answers with a German 413 page (JSON under ``/api/``) before CSRF and the
view run. The finer limits of a form (smaller size, file types, count) stay with the upload code.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template.response import TemplateResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

REFUSED_ATTRIBUTE = "_amtsweg_upload_refused"
# Room for the form's text fields next to the files in one request.
_FORM_FIELDS_BYTES = 1024 * 1024


def max_upload_bytes() -> int:
    return int(settings.AMTSWEG_UPLOAD_MAX_MB * 1024 * 1024)


def max_request_bytes() -> int:
    """The largest multipart request worth reading: every allowed file at full size plus the form fields."""
    return max_upload_bytes() * settings.AMTSWEG_UPLOAD_MAX_FILES + _FORM_FIELDS_BYTES


def _refuse(request: HttpRequest | None, name: str) -> None:
    if request is not None:
        setattr(request, REFUSED_ATTRIBUTE, name or "?")


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of each file as they arrive and drops a file above ``AMTSWEG_UPLOAD_MAX_MB``."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, Any]] | None:
        if content_length > max_request_bytes():
            _refuse(self.request, "")
            # Nothing is parsed or stored; the middleware answers 413.
            return QueryDict(encoding=encoding), MultiValueDict()
        return None

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > max_upload_bytes():
            _refuse(self.request, str(self.file_name or ""))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) keeps the file


class UploadLimitMiddleware:
    """Answer 413 when :class:`LimitedUploadHandler` dropped a file; put it before ``CsrfViewMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        if request.method != "POST" or not (request.content_type or "").startswith("multipart/"):
            return None
        request.POST  # noqa: B018 - parse now (with the upload handlers), before CSRF and the view
        if not hasattr(request, REFUSED_ATTRIBUTE):
            return None
        message = _(
            "Die Datei ist zu groß. Erlaubt sind höchstens %(limit)s MB je Datei und %(count)s Dateien. "
            "Bitte verkleinern Sie die Datei (zum Beispiel als PDF mit geringerer Auflösung) und "
            "versuchen Sie es noch einmal."
        ) % {"limit": settings.AMTSWEG_UPLOAD_MAX_MB, "count": settings.AMTSWEG_UPLOAD_MAX_FILES}
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message}, status=413)
        response = TemplateResponse(request, "413.html", {"message": message}, status=413)
        return response.render()
