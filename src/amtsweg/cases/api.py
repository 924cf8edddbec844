"""The cases API (django-ninja, mounted at ``/api/v1/vorgaenge/``).

* ``GET /api/v1/vorgaenge/{reference}`` – status, deadlines and the steps the caller may take now.
* ``POST /api/v1/vorgaenge/{reference}/status`` – body ``{"to": "<status>", "text": "", "decision": ""}``:
  the status change through ``case_transition`` (the same guarded steps as the pages). Answers 200 with
  the new state, 400 for a malformed body, 404 when the case does not exist or the caller may not see it,
  403 for a missing CSRF token, 409 with a German message for a step the status model does not allow.

Staff (with a verified second factor) see the cases of their units; applicants their own cases (and may
withdraw them). Authentication is the browser session; writes need the CSRF token (``X-CSRFToken``).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.utils import check_csrf

from amtsweg.api import api
from amtsweg.cases.models import Case
from amtsweg.cases.selectors import case_for_applicant, cases_visible
from amtsweg.cases.services import TransitionNotAllowed, allowed_steps, case_transition
from amtsweg.core.audit import request_source
from amtsweg.core.safeinput import json_loads

router = Router(tags=["Vorgänge"])


class ErrorOut(Schema):
    detail: str


class StepOut(Schema):
    to: str
    label: str


class CaseOut(Schema):
    reference: str
    status: str
    status_label: str
    decision: str
    due_date: str | None
    reply_due: str | None
    fiction_due: str | None
    steps: list[StepOut]


class TransitionIn(Schema):
    to: str
    text: str = ""
    decision: str = ""


def _json(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _error(status: int, message: str) -> HttpResponse:
    return _json(status, {"detail": message})


def _case(request: HttpRequest, reference: str) -> Case | None:
    user = request.user if request.user.is_authenticated else None
    if user is None:
        return None
    # The same selectors as the inbox and the applicant's pages: unit, authority and forwarding count.
    return case_for_applicant(user, reference) or cases_visible(user).filter(reference=reference).first()


def _out(request: HttpRequest, case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "decision": case.decision,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "reply_due": case.reply_due.isoformat() if case.reply_due else None,
        "fiction_due": case.fiction_due.isoformat() if case.fiction_due else None,
        "steps": [{"to": s.target, "label": str(s.label)} for s in allowed_steps(request.user, case)],
    }


def _not_found() -> HttpResponse:
    return _error(404, _("Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen."))


@router.get("/{reference}", response={200: CaseOut, 404: ErrorOut}, summary="Vorgang abrufen")
def case_get(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    if case is None:
        return _not_found()
    return _json(200, _out(request, case))


@router.post(
    "/{reference}/status",
    response={200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Status eines Vorgangs ändern",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": TransitionIn.model_json_schema()}},
        }
    },
)
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    if case is None:
        return _not_found()
    if check_csrf(request) is not None:
        return _error(
            403, _("CSRF-Prüfung fehlgeschlagen. Bitte senden Sie das CSRF-Token mit (X-CSRFToken).")
        )
    try:
        body = json_loads(request.body or b"{}")
        payload = TransitionIn(**body) if isinstance(body, dict) else None
    except (ValueError, TypeError):
        payload = None
    if payload is None:
        return _error(400, _('Bitte senden Sie JSON wie {"to": "in_pruefung"}.'))
    try:
        case = case_transition(
            actor=request.user,
            case=case,
            to=payload.to,
            text=payload.text,
            decision=payload.decision,
            source=request_source(request, "api"),
        )
    except PermissionDenied:
        return _error(403, _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    except (TransitionNotAllowed, ValidationError) as error:
        return _error(409, str(error.messages[0] if isinstance(error, ValidationError) else error))
    return _json(200, _out(request, case))


api.add_router("/vorgaenge", router)
