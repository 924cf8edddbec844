"""The submissions API (django-ninja, mounted at ``/api/v1/``, OpenAPI at ``/api/v1/docs``).

``POST /api/v1/formulare/{form_key}/antraege`` stores a submission for the published version of a form:

* body ``{"municipality": "<AGS>", "data": {...}}`` – ``data`` shaped as the JSON Schema of
  ``GET /api/v1/formulare/{form_key}/schema`` describes;
* header ``Idempotency-Key`` (required, 1–100 visible characters, e.g. a UUID): the same key with the same
  body answers with the submission stored the first time (200 instead of 201), the same key with another
  body is refused (409). Keys are scoped to the account (or to "anonymous").
* answers 201 (or 200) with the reference number and a ``Location`` header, 422 with German messages per
  data path, 404 for an unknown form, 429 when the rate limit is hit.

Authentication (docs/decisions/0010-submission-intake.md): anonymous clients may submit, limited per
client address (``AMTSWEG_API_ANON_RATE``); a logged-in browser session submits as its account and must
then send the CSRF token (``X-CSRFToken``), as every session-authenticated write must.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.utils import check_csrf

from amtsweg.api import api
from amtsweg.core.actors import ANONYMOUS_APPLICANT_LABEL, Actor
from amtsweg.core.audit import request_source
from amtsweg.core.clients import client_address
from amtsweg.core.memo import TTLMemo
from amtsweg.core.safeinput import JsonRejected, json_loads
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.models import Submission
from amtsweg.submissions.services import SubmissionInvalid, submission_create
from amtsweg.tenants.models import Authority

router = Router(tags=["Anträge"])

KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,100}$")
# Only well-formed values reach the per-process memos: a memo keyed by whatever a client sends would
# keep every distinct (say 1 MB) value in memory.
FORM_KEY_PATTERN = re.compile(r"^[-a-zA-Z0-9_]{1,100}$")
AGS_PATTERN = re.compile(r"^[0-9]{8}$")
CACHE_SECONDS = 10.0
MAX_BODY_BYTES = 1024 * 1024


class FieldErrorOut(Schema):
    path: str
    message: str


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: list[FieldErrorOut]


class SubmissionIn(Schema):
    municipality: str
    data: dict[str, Any]


class SubmissionOut(Schema):
    id: UUID
    reference: str
    form: str
    version: str
    submitted_at: datetime
    authority: str | None
    org_unit: str | None


# ---- small in-process caches: published versions and municipalities change rarely ---------------

_versions: TTLMemo[FormVersion | None] = TTLMemo("veröffentlichte Formularversion", seconds=CACHE_SECONDS)
_municipalities: TTLMemo[Authority | None] = TTLMemo("Gemeinde nach AGS", seconds=CACHE_SECONDS)


def published_version(form_key: str) -> FormVersion | None:
    """The published version of a form, cached for a few seconds per process.

    A version never changes once published, so the cached instance (and its parsed spec and compiled
    validator) stay valid; a newly published version is used at most ``CACHE_SECONDS`` later.
    """
    if not FORM_KEY_PATTERN.fullmatch(form_key):
        return None

    def load() -> FormVersion | None:
        version = (
            FormVersion.objects.select_related("form", "form__service")
            .filter(form__key=form_key, status=FormVersion.Status.PUBLISHED)
            .order_by("-published_at", "-pk")
            .first()
        )
        if version is not None:
            version.spec()  # parse once, here, not in every request
        return version

    return _versions.get(form_key, load)


def municipality_by_ags(ags: str) -> Authority | None:
    if not AGS_PATTERN.fullmatch(ags):
        return None

    def load() -> Authority | None:
        found = Authority.objects.filter(ags=ags).first()
        return found if found is not None and found.is_municipality else None

    return _municipalities.get(ags, load)


def caches_clear() -> None:
    _versions.clear()
    _municipalities.clear()


# ---- helpers ------------------------------------------------------------------------------------


def _json(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(
        json.dumps(payload, ensure_ascii=False, default=str), status=status, content_type="application/json"
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def _error(status: int, detail: str, headers: dict[str, str] | None = None) -> HttpResponse:
    return _json(status, {"detail": detail}, headers)


def _invalid(errors: list[tuple[str, str]]) -> HttpResponse:
    return _json(
        422,
        {
            "detail": _("Die Angaben sind nicht vollständig oder nicht gültig."),
            "errors": [{"path": path, "message": message} for path, message in errors],
        },
    )


def _throttled(request: HttpRequest) -> HttpResponse | None:
    """The anonymous limit per client address, counted in the database for all processes together."""
    from amtsweg.accounts.models import LoginAttempt
    from amtsweg.accounts.services import client_allowance_take, rate_parse

    rate = rate_parse(settings.AMTSWEG_API_ANON_RATE)
    if rate is None or request.user.is_authenticated:
        return None
    wait = client_allowance_take(
        scope=LoginAttempt.Scope.API_ANONYMOUS, value=client_address(request), limit=rate[0], seconds=rate[1]
    )
    if not wait:
        return None
    return _error(
        429,
        _("Zu viele Anträge in kurzer Zeit. Bitte versuchen Sie es in %(seconds)s Sekunden erneut.")
        % {"seconds": wait},
        {"Retry-After": str(wait)},
    )


def _location(form_key: str, submission: Submission) -> str:
    return f"/api/v1/formulare/{form_key}/antraege/{submission.reference}"


def _out(submission: Submission, version: FormVersion) -> dict[str, Any]:
    return {
        "id": str(submission.pk),
        "reference": submission.reference,
        "form": version.form.key,
        "version": version.version,
        "submitted_at": submission.submitted_at.isoformat(),
        "authority": submission.authority.name if submission.authority_id and submission.authority else None,
        "org_unit": submission.org_unit.name if submission.org_unit_id and submission.org_unit else None,
    }


def _same_request(submission: Submission, version: FormVersion, municipality: Authority, data: Any) -> bool:
    from amtsweg.forms.validation import prune_hidden

    return (
        (submission.form_version_id == version.pk or submission.form_version.form_id == version.form_id)
        and submission.municipality_id == municipality.pk
        and submission.data == prune_hidden(version.spec(), data)
    )


def _parse_body(request: HttpRequest) -> tuple[dict[str, Any] | None, list[tuple[str, str]]]:
    if len(request.body) > MAX_BODY_BYTES:
        return None, [("", _("Die Anfrage ist zu groß (höchstens 1 MB)."))]
    try:
        body = json_loads(request.body, max_bytes=MAX_BODY_BYTES)
    except JsonRejected as rejected:
        return None, [("", rejected.message)]
    errors: list[tuple[str, str]] = []
    if not isinstance(body, dict):
        return None, [("", _("Erwartet wird ein JSON-Objekt mit „municipality“ und „data“."))]
    if not isinstance(body.get("municipality"), str) or not body["municipality"].strip():
        errors.append(("municipality", _("Bitte geben Sie den Amtlichen Gemeindeschlüssel (8 Ziffern) an.")))
    if not isinstance(body.get("data"), dict):
        errors.append(("data", _("Bitte senden Sie die Angaben als JSON-Objekt in „data“.")))
    unknown = sorted(set(body) - {"municipality", "data"})
    if unknown:
        errors.append(("", _("Unbekannte Angaben: %(keys)s.") % {"keys": ", ".join(unknown)}))
    return body, errors


# ---- endpoints ----------------------------------------------------------------------------------


@router.get(
    "/formulare/{form_key}/schema",
    response={200: dict[str, Any], 404: ErrorOut},
    summary="JSON Schema der veröffentlichten Formularversion",
)
def form_schema(request: HttpRequest, form_key: str) -> HttpResponse:
    version = published_version(form_key)
    if version is None:
        return _error(404, _("Ein veröffentlichtes Formular „%(key)s“ gibt es nicht.") % {"key": form_key})
    return _json(200, version.json_schema, {"Content-Type": "application/schema+json"})


@router.post(
    "/formulare/{form_key}/antraege",
    response={
        200: SubmissionOut,
        201: SubmissionOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: InvalidOut,
        429: ErrorOut,
    },
    summary="Antrag einreichen",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": SubmissionIn.model_json_schema()}},
        },
        "parameters": [
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "maxLength": 100},
                "description": "Eindeutiger Schlüssel je Antrag (z. B. eine UUID); Wiederholungen liefern "
                "denselben Antrag.",
            }
        ],
    },
)
def submission_post(request: HttpRequest, form_key: str) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    if user is not None and check_csrf(request) is not None:
        return _error(
            403, _("CSRF-Prüfung fehlgeschlagen. Bitte senden Sie das CSRF-Token mit (X-CSRFToken).")
        )
    if (limited := _throttled(request)) is not None:
        return limited
    key = request.headers.get("Idempotency-Key", "").strip()
    if not KEY_PATTERN.match(key):
        return _error(
            400,
            _(
                "Bitte senden Sie den Kopf „Idempotency-Key“ mit einem eindeutigen Schlüssel "
                "(1 bis 100 sichtbare Zeichen, z. B. eine UUID)."
            ),
        )
    version = published_version(form_key)
    if version is None:
        return _error(404, _("Ein veröffentlichtes Formular „%(key)s“ gibt es nicht.") % {"key": form_key})
    body, errors = _parse_body(request)
    if errors or body is None:
        return _invalid(errors)
    municipality = municipality_by_ags(body["municipality"].strip())
    if municipality is None:
        return _invalid(
            [("municipality", _("Eine Stadt oder Gemeinde mit diesem Gemeindeschlüssel kennen wir nicht."))]
        )
    idempotency_key = f"api:{user.pk if user is not None else 'anonym'}:{key}"
    try:
        submission, created = submission_create(
            form_version=version,
            data=body["data"],
            applicant=user,
            municipality=municipality,
            idempotency_key=idempotency_key,
            channel=Submission.Channel.API,
            actor=user if user is not None else Actor.anonymous(ANONYMOUS_APPLICANT_LABEL),
            source=request_source(request, "api"),
            client=client_address(request),
        )
    except SubmissionInvalid as invalid:
        return _invalid([(f"data.{e.path}" if e.path else "data", e.message) for e in invalid.errors])
    if not created and not _same_request(submission, version, municipality, body["data"]):
        return _error(
            409,
            _(
                "Dieser Idempotency-Key wurde schon für einen anderen Antrag verwendet. "
                "Bitte verwenden Sie für jeden neuen Antrag einen neuen Schlüssel."
            ),
        )
    return _json(
        201 if created else 200, _out(submission, version), {"Location": _location(form_key, submission)}
    )


@router.get(
    "/formulare/{form_key}/antraege/{reference}",
    response={200: SubmissionOut, 404: ErrorOut},
    summary="Eigenen Antrag abrufen (angemeldetes Konto)",
)
def submission_get(request: HttpRequest, form_key: str, reference: str) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    submission = (
        Submission.objects.select_related("form_version__form", "authority", "org_unit")
        .filter(reference=reference, form_version__form__key=form_key, applicant=user)
        .first()
        if user is not None
        else None
    )
    if submission is None:
        return _error(404, _("Diesen Antrag gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return _json(200, _out(submission, submission.form_version))


api.add_router("/", router)
