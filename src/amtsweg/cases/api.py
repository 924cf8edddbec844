"""The cases API (django-ninja, mounted at ``/api/v1/vorgaenge/``, OpenAPI at ``/api/v1/docs``).

Every action of the back office and of the applicant has its endpoint, and each calls the same domain
function as the pages (:mod:`amtsweg.cases.services`), so a decision made here issues and sends the letter
exactly as one made on the web:

* ``GET  /{reference}`` – status, deadlines, unit, assignee, sent letters and the steps the caller may take.
* ``POST /{reference}/pruefung`` – begin or resume the review (``case_review_start``).
* ``POST /{reference}/rueckfrage`` ``{"question": "…", "reply_due": "2027-01-15"}`` (``case_ask``).
* ``POST /{reference}/entscheidung`` ``{"decision": "bewilligt", "reasons": "…", "template": 3}``
  (``case_decide``: letter issued and sent, applicant notified).
* ``POST /{reference}/abschluss`` – close (``case_close``).
* ``POST /{reference}/zurueckziehen`` – the applicant withdraws (``case_withdraw``).
* ``POST /{reference}/antwort`` ``{"text": "…"}`` – the applicant answers (``case_reply``).
* ``POST /{reference}/nachrichten`` ``{"text": "…"}`` – a message to the applicant (``case_message_send``).
* ``POST /{reference}/vermerke`` ``{"text": "…"}`` – an internal note (``case_note_add``).
* ``POST /{reference}/zuweisung`` ``{"assignee": "login" | null}`` (``case_assign``).
* ``POST /{reference}/weiterleitung`` ``{"org_unit": 12, "reason": "…"}`` (``case_forward``).
* ``POST /{reference}/status`` ``{"to": "<status>", "text": "", "decision": "", "reply_due": null}`` – the
  action that belongs to the target status (``case_transition``), for clients that think in statuses.

Answers: 200 with the case, 400 with a German message for a malformed body or invalid input, 403 for a
missing CSRF token or a denied action, 404 when the case does not exist or the caller may not see it, 409
for a step the status model does not allow now.

Staff (with a verified second factor) see the cases of their units; applicants their own cases. The
authentication is the browser session; writes need the CSRF token (``X-CSRFToken``).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.utils import check_csrf
from pydantic import ValidationError as SchemaError

from amtsweg.api import api
from amtsweg.cases import services
from amtsweg.cases.letters import LetterTemplateError, letter_templates_for
from amtsweg.cases.models import Case
from amtsweg.cases.selectors import case_for_applicant, cases_visible
from amtsweg.core.actors import Actor
from amtsweg.core.audit import request_source
from amtsweg.core.safeinput import JsonRejected, json_loads
from amtsweg.tenants.models import OrgUnit

router = Router(tags=["Vorgänge"])

MAX_BODY_BYTES = 256 * 1024


class ErrorOut(Schema):
    detail: str


class StepOut(Schema):
    to: str
    label: str


class LetterOut(Schema):
    id: str
    subject: str
    decision: str
    sent_at: str | None


class CaseOut(Schema):
    reference: str
    status: str
    status_label: str
    decision: str
    due_date: str | None
    reply_due: str | None
    fiction_due: str | None
    org_unit: str | None
    assignee: str | None
    letters: list[LetterOut]
    steps: list[StepOut]


class TransitionIn(Schema):
    to: str
    text: str = ""
    decision: str = ""
    reply_due: datetime.date | None = None


class QuestionIn(Schema):
    question: str
    reply_due: datetime.date | None = None


class DecisionIn(Schema):
    decision: str
    reasons: str = ""
    template: int | None = None


class TextIn(Schema):
    text: str


class AssignIn(Schema):
    assignee: str | None = None


class ForwardIn(Schema):
    org_unit: int
    reason: str


# German names of the body fields, for messages that name the field.
FIELD_LABELS = {
    "to": "Zielstatus (to)",
    "text": "Text (text)",
    "decision": "Entscheidung (decision)",
    "reasons": "Begründung (reasons)",
    "template": "Bescheidvorlage (template)",
    "question": "Rückfrage (question)",
    "reply_due": "Antwortfrist (reply_due, JJJJ-MM-TT)",
    "assignee": "Bearbeitung (assignee)",
    "org_unit": "Organisationseinheit (org_unit)",
    "reason": "Grund (reason)",
}


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
    return (
        case_for_applicant(user, reference[:32])
        or cases_visible(user).filter(reference=reference[:32]).first()
    )


def _person(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _out(request: HttpRequest, case: Case) -> dict[str, Any]:
    case = Case.objects.select_related("org_unit", "assignee").get(pk=case.pk)
    letters = case.letters.exclude(sent_at__isnull=True).order_by("created_at")
    return {
        "reference": case.reference,
        "status": case.status,
        "status_label": str(case.get_status_display()),
        "decision": case.decision,
        "due_date": case.due_date.isoformat() if case.due_date else None,
        "reply_due": case.reply_due.isoformat() if case.reply_due else None,
        "fiction_due": case.fiction_due.isoformat() if case.fiction_due else None,
        "org_unit": case.org_unit.name if case.org_unit else None,
        "assignee": _person(case.assignee) if case.assignee else None,
        "letters": [
            {
                "id": str(letter.pk),
                "subject": letter.subject,
                "decision": letter.decision,
                "sent_at": letter.sent_at.isoformat() if letter.sent_at else None,
            }
            for letter in letters
        ],
        "steps": [
            {"to": s.target, "label": str(s.label)}
            for s in services.allowed_steps(Actor.of_request(request), case)
        ],
    }


def _not_found() -> HttpResponse:
    return _error(404, _("Diesen Vorgang gibt es nicht oder Sie dürfen ihn nicht sehen."))


def _schema_message(error: SchemaError) -> str:
    details = error.errors()
    location = [str(part) for part in details[0]["loc"]] if details else []
    name = location[0] if location else ""
    field = FIELD_LABELS.get(name, name)
    kind = str(details[0]["type"]) if details else ""
    if kind == "missing":
        return _("Bitte geben Sie das Feld „%(field)s“ an.") % {"field": field}
    if kind.startswith("date"):
        return _("„%(field)s“ muss ein Datum im Format JJJJ-MM-TT sein.") % {"field": field}
    if kind.startswith("int"):
        return _("„%(field)s“ muss eine ganze Zahl sein.") % {"field": field}
    if kind.startswith("string"):
        return _("„%(field)s“ muss ein Text sein.") % {"field": field}
    return _("Das Feld „%(field)s“ hat einen ungültigen Wert.") % {"field": field}


def _body[S: Schema](request: HttpRequest, schema: type[S]) -> S | HttpResponse:
    """The JSON body as ``schema``, or a 400 answer with a German message that names the field."""
    shape = _("Bitte senden Sie ein JSON-Objekt mit den Feldern %(fields)s.") % {
        "fields": ", ".join(f"„{name}“" for name in schema.model_fields)
    }
    try:
        raw = json_loads(request.body or b"{}", max_bytes=MAX_BODY_BYTES)
    except JsonRejected as error:
        return _error(400, error.message)
    except (ValueError, UnicodeDecodeError):
        return _error(400, shape)
    if not isinstance(raw, dict):
        return _error(400, shape)
    try:
        return schema.model_validate(raw)
    except SchemaError as error:
        return _error(400, _schema_message(error))


def _act(request: HttpRequest, reference: str, action: Callable[[Actor, Case, str], Any]) -> HttpResponse:
    """Find the case (404), check the CSRF token (403), run ``action`` and map its errors to 4xx."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    if check_csrf(request) is not None:
        return _error(
            403, _("CSRF-Prüfung fehlgeschlagen. Bitte senden Sie das CSRF-Token mit (X-CSRFToken).")
        )
    try:
        result = action(Actor.of_request(request), case, request_source(request, "api"))
    except PermissionDenied as error:
        return _error(403, str(error) or _("Sie dürfen diesen Vorgang nicht bearbeiten."))
    except services.TransitionNotAllowed as error:
        return _error(409, str(error))
    except LetterTemplateError as error:
        return _error(409, " ".join(error.messages))
    except ValidationError as error:
        return _error(400, " ".join(error.messages))
    if isinstance(result, HttpResponse):
        return result
    return _json(200, _out(request, case))


def _body_spec(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


_ANSWERS: dict[int, type[Schema]] = {200: CaseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.get("/{reference}", response={200: CaseOut, 404: ErrorOut}, summary="Vorgang abrufen")
def case_get(request: HttpRequest, reference: str) -> HttpResponse:
    """Status, Fristen, Stelle, Bearbeitung, versandte Bescheide und die Schritte, die Sie jetzt gehen
    dürfen."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    return _json(200, _out(request, case))


@router.post("/{reference}/pruefung", response=_ANSWERS, summary="Prüfung beginnen oder fortsetzen")
def case_review(request: HttpRequest, reference: str) -> HttpResponse:
    """Eingegangen → in Prüfung, oder nach einer Rückfrage zurück in die Prüfung (die Antwortfrist endet)."""
    return _act(
        request,
        reference,
        lambda actor, case, source: services.case_review_start(actor=actor, case=case, source=source),
    )


@router.post(
    "/{reference}/rueckfrage",
    response=_ANSWERS,
    summary="Rückfrage stellen",
    openapi_extra=_body_spec(QuestionIn),
)
def case_question(request: HttpRequest, reference: str) -> HttpResponse:
    """Die Rückfrage geht als Nachricht an die antragstellende Person (E-Mail ohne Inhalt).
    ``reply_due`` (JJJJ-MM-TT) setzt die Antwortfrist, sonst gilt die der Leistung."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, QuestionIn)
        if isinstance(body, HttpResponse):
            return body
        return services.case_ask(
            actor=actor, case=case, question=body.question, reply_due=body.reply_due, source=source
        )

    return _act(request, reference, action)


@router.post(
    "/{reference}/entscheidung",
    response=_ANSWERS,
    summary="Entscheiden und Bescheid zustellen",
    openapi_extra=_body_spec(DecisionIn),
)
def case_decision(request: HttpRequest, reference: str) -> HttpResponse:
    """``decision``: bewilligt, abgelehnt oder teilweise; ``reasons`` erscheint im Bescheid; ``template`` ist
    die Nummer einer Bescheidvorlage der Behörde (sonst der Standardtext). Der Bescheid wird erstellt, dem
    Vorgang beigefügt und der antragstellenden Person zugestellt (E-Mail ohne Inhalt)."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, DecisionIn)
        if isinstance(body, HttpResponse):
            return body
        template = None
        if body.template is not None:
            template = next((t for t in letter_templates_for(case) if t.pk == body.template), None)
            if template is None:
                return _error(400, _("Diese Bescheidvorlage gibt es für diesen Vorgang nicht."))
        return services.case_decide(
            actor=actor,
            case=case,
            decision=body.decision,
            reasons=body.reasons,
            template=template,
            source=source,
        )

    return _act(request, reference, action)


@router.post("/{reference}/abschluss", response=_ANSWERS, summary="Vorgang abschließen")
def case_close(request: HttpRequest, reference: str) -> HttpResponse:
    """Nach der Entscheidung (bei Anzeigen direkt aus der Prüfung); die Aufbewahrungsfrist beginnt."""
    return _act(
        request,
        reference,
        lambda actor, case, source: services.case_close(actor=actor, case=case, source=source),
    )


@router.post("/{reference}/zurueckziehen", response=_ANSWERS, summary="Antrag zurückziehen")
def case_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """Nur die antragstellende Person, solange der Vorgang offen ist."""
    return _act(
        request,
        reference,
        lambda actor, case, source: services.case_withdraw(actor=actor, case=case, source=source),
    )


def _text_action(request: HttpRequest, reference: str, write: Callable[..., Any]) -> HttpResponse:
    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, TextIn)
        if isinstance(body, HttpResponse):
            return body
        return write(actor=actor, case=case, text=body.text, source=source)

    return _act(request, reference, action)


@router.post(
    "/{reference}/antwort",
    response=_ANSWERS,
    summary="Antworten (antragstellende Person)",
    openapi_extra=_body_spec(TextIn),
)
def case_answer(request: HttpRequest, reference: str) -> HttpResponse:
    """Eine Nachricht an die zuständige Stelle; eine Antwort auf eine Rückfrage gibt den Vorgang zurück in
    die Prüfung. Dateien lassen sich nur auf der Seite des Antrags mitschicken."""
    return _text_action(request, reference, services.case_reply)


@router.post(
    "/{reference}/nachrichten",
    response=_ANSWERS,
    summary="Nachricht an die antragstellende Person",
    openapi_extra=_body_spec(TextIn),
)
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    """Die antragstellende Person erhält eine E-Mail ohne Inhalt und liest die Nachricht auf ihrer Seite."""
    return _text_action(request, reference, services.case_message_send)


@router.post(
    "/{reference}/vermerke",
    response=_ANSWERS,
    summary="Internen Vermerk schreiben",
    openapi_extra=_body_spec(TextIn),
)
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    """Ein Vermerk ist nur für die Beschäftigten sichtbar."""
    return _text_action(request, reference, services.case_note_add)


@router.post(
    "/{reference}/zuweisung",
    response=_ANSWERS,
    summary="Vorgang zuweisen",
    openapi_extra=_body_spec(AssignIn),
)
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    """``assignee``: Anmeldename der Kollegin oder des Kollegen (Teamleitung), der eigene (übernehmen)
    oder ``null`` (Zuweisung aufheben)."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, AssignIn)
        if isinstance(body, HttpResponse):
            return body
        assignee = None
        if body.assignee:
            assignee = get_user_model()._default_manager.filter(username=body.assignee[:150]).first()
            if assignee is None:
                raise ValidationError(_("Diese Person kann Vorgänge dieser Stelle nicht bearbeiten."))
        return services.case_assign(actor=actor, case=case, assignee=assignee, source=source)

    return _act(request, reference, action)


@router.post(
    "/{reference}/weiterleitung",
    response=_ANSWERS,
    summary="Vorgang weiterleiten",
    openapi_extra=_body_spec(ForwardIn),
)
def case_forward(request: HttpRequest, reference: str) -> HttpResponse:
    """An eine Organisationseinheit (``org_unit``, ihre Nummer in Amtsweg) dieser oder einer anderen
    Behörde, mit Grund. Danach sieht die bisherige Stelle den Vorgang nicht mehr."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, ForwardIn)
        if isinstance(body, HttpResponse):
            return body
        unit = OrgUnit.objects.filter(pk=body.org_unit).first()
        if unit is None:
            raise ValidationError(_("Diese Stelle gibt es nicht."))
        services.case_forward(actor=actor, case=case, to_org_unit=unit, reason=body.reason, source=source)
        return None

    return _act(request, reference, action)


@router.post(
    "/{reference}/status",
    response=_ANSWERS,
    summary="Status eines Vorgangs ändern",
    openapi_extra=_body_spec(TransitionIn),
)
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    """Führt die Aktion aus, die zum Zielstatus gehört (in_pruefung, rueckfrage mit ``text`` als Frage,
    entschieden mit ``decision`` und ``text`` als Begründung – der Bescheid wird zugestellt –,
    abgeschlossen, zurueckgezogen)."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, TransitionIn)
        if isinstance(body, HttpResponse):
            return body
        return services.case_transition(
            actor=actor,
            case=case,
            to=body.to,
            text=body.text,
            decision=body.decision,
            reply_due=body.reply_due,
            source=source,
        )

    return _act(request, reference, action)


api.add_router("/vorgaenge", router)
