"""The case API for specialist systems (Fachverfahren), mounted at ``/api/v1/fachverfahren/``.

Modelled on the concepts of the ZGW Zaken API (VNG) where they fit: a case (*zaak* → Vorgang) is read as a
resource with its status history (*statussen* → ``statusverlauf``), its documents (*zaakinformatieobjecten*
→ ``dokumente``) and its messages; lists are paged and filtered by status and change time. Unlike ZGW, a
status is not created as a resource: a system asks for a step (``POST …/status``, ``…/entscheidung``,
``…/nachrichten``) and the same domain function as on the web performs it – the decision letter is issued
and sent, the applicant notified, the history and the audit name the system ("Fachverfahren <name>").

Authentication: ``Authorization: Bearer <API-Schlüssel>``. A key reaches the cases of the authorities it is
scoped to (404 for any other, as if it did not exist); writes need a key that may write (403); every key
has a rate limit (429 with ``Retry-After``). Answers: 200, 400 (German message naming the field), 401
(missing, unknown or revoked key), 403, 404, 409 (a step the status model does not allow now), 429.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import HttpBearer

from amtsweg.access.permissions import Perm
from amtsweg.accounts.models import LoginAttempt
from amtsweg.accounts.services import client_allowance_take, rate_parse
from amtsweg.api import api
from amtsweg.cases import services as case_services
from amtsweg.cases.api import DecisionIn, ErrorOut, TextIn, TransitionIn, _body
from amtsweg.cases.letters import LetterTemplateError
from amtsweg.cases.models import Case, CaseDocument, CaseEvent, CaseMessage, DecisionLetter, Status
from amtsweg.cases.selectors import cases_visible
from amtsweg.core.actors import Actor
from amtsweg.core.audit import request_source
from amtsweg.payments.models import Payment
from amtsweg.submissions.models import Attachment
from amtsweg.systemapi.models import ApiClient
from amtsweg.systemapi.services import api_client_authenticate, client_actor

PAGE_SIZE = 100
BASE = "/api/v1/fachverfahren"


class ClientRefused(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class ApiKey(HttpBearer):
    """``Authorization: Bearer <key>``; the client, its actor and its rate limit."""

    openapi_description = "API-Schlüssel eines Fachverfahrens (in der Verwaltung unter „API-Schlüssel“)."

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _space, key = header.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ClientRefused(
                401, _("Bitte senden Sie Ihren API-Schlüssel im Kopf „Authorization: Bearer …“.")
            )
        return self.authenticate(request, key.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient:
        client = api_client_authenticate(token)
        if client is None:
            raise ClientRefused(401, _("Dieser API-Schlüssel ist unbekannt oder gesperrt."))
        rate = rate_parse(client.rate or settings.AMTSWEG_SYSTEM_API_RATE)
        if rate is not None:
            wait = client_allowance_take(
                scope=LoginAttempt.Scope.SYSTEM_API, value=client.key_prefix, limit=rate[0], seconds=rate[1]
            )
            if wait:
                raise ClientRefused(
                    429,
                    _(
                        "Zu viele Anfragen mit diesem Schlüssel. "
                        "Bitte versuchen Sie es in %(seconds)s Sekunden erneut."
                    )
                    % {"seconds": wait},
                    {"Retry-After": str(wait)},
                )
        request.api_client = client  # type: ignore[attr-defined]
        request.api_actor = client_actor(client)  # type: ignore[attr-defined]
        return client


def _refused(request: HttpRequest, error: Any) -> HttpResponse:
    response = _json(error.status, {"detail": error.message})
    for name, value in error.headers.items():
        response[name] = value
    return response


api.add_exception_handler(ClientRefused, _refused)

router = Router(tags=["Fachverfahren"], auth=ApiKey())


# ---- answers -----------------------------------------------------------------------------------------


class AuthorityOut(Schema):
    id: int
    name: str
    ags: str


class CaseSummaryOut(Schema):
    aktenzeichen: str
    url: str
    status: str
    status_bezeichnung: str
    leistung: str | None
    leika_schluessel: str | None
    behoerde: AuthorityOut
    organisationseinheit: str | None
    eingegangen_am: str
    bearbeitungsziel: str | None
    antwortfrist: str | None
    entscheidung: str
    entschieden_am: str | None
    abgeschlossen_am: str | None
    geaendert_am: str


class ApplicantOut(Schema):
    name: str
    email: str


class PaymentOut(Schema):
    status: str
    betrag: str
    waehrung: str
    kassenzeichen: str
    bezahlt_am: str | None


class CaseOut(CaseSummaryOut):
    zahlung: PaymentOut | None
    formular: str
    formularversion: str
    antragsteller: ApplicantOut
    angaben: dict[str, Any]
    schritte: list[str]


class CasePageOut(Schema):
    anzahl: int
    seite: int
    naechste: str | None
    ergebnisse: list[CaseSummaryOut]


class StatusOut(Schema):
    status: str
    status_bezeichnung: str
    vorheriger_status: str | None
    zeitpunkt: str
    durch: str
    text: str


class DocumentOut(Schema):
    id: str
    art: str
    dateiname: str
    dateityp: str
    groesse: int
    sha256: str | None
    erstellt_am: str
    inhalt: str


class MessageOut(Schema):
    id: int
    richtung: str
    text: str
    erstellt_am: str
    gelesen_am: str | None
    dokumente: list[str]


def _json(status: int, payload: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False), status=status, content_type="application/json; charset=utf-8"
    )


def _error(status: int, message: str) -> HttpResponse:
    return _json(status, {"detail": message})


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _actor(request: HttpRequest) -> Actor:
    return request.api_actor  # type: ignore[attr-defined]


def _visible(request: HttpRequest) -> QuerySet[Case]:
    return cases_visible(_actor(request), Perm.CASE_VIEW)


def _case(request: HttpRequest, reference: str) -> Case | None:
    return _visible(request).filter(reference=reference[:32]).select_related("submission").first()


def _not_found() -> HttpResponse:
    return _error(404, _("Diesen Vorgang gibt es nicht oder Ihr Schlüssel reicht nicht bis zu ihm."))


def _summary(case: Case) -> dict[str, Any]:
    return {
        "aktenzeichen": case.reference,
        "url": f"{BASE}/vorgaenge/{case.reference}",
        "status": case.status,
        "status_bezeichnung": str(case.get_status_display()),
        "leistung": case.service.name if case.service else None,
        "leika_schluessel": (case.service.leika_key or None) if case.service else None,
        "behoerde": {"id": case.authority.pk, "name": case.authority.name, "ags": case.authority.ags or ""},
        "organisationseinheit": case.org_unit.name if case.org_unit else None,
        "eingegangen_am": case.received_at.isoformat(),
        "bearbeitungsziel": _iso(case.due_date),
        "antwortfrist": _iso(case.reply_due),
        "entscheidung": case.decision,
        "entschieden_am": _iso(case.decided_at),
        "abgeschlossen_am": _iso(case.closed_at),
        "geaendert_am": case.updated_at.isoformat(),
    }


def _detail(request: HttpRequest, case: Case) -> dict[str, Any]:
    case = Case.objects.select_related(
        "service", "authority", "org_unit", "submission__form_version__form"
    ).get(pk=case.pk)
    submission = case.submission
    return {
        **_summary(case),
        "formular": submission.form_version.form.key,
        "formularversion": submission.form_version.version,
        "antragsteller": {"name": submission.applicant_name, "email": submission.applicant_email},
        "angaben": submission.data if isinstance(submission.data, dict) else {"werte": submission.data},
        "zahlung": _payment(submission),
        "schritte": [s.target for s in case_services.allowed_steps(_actor(request), case)],
    }


def _payment(submission: Any) -> dict[str, Any] | None:
    payment = Payment.objects.filter(submission=submission).order_by("-created_at").first()
    if payment is None:
        return None
    return {
        "status": payment.status,
        "betrag": f"{payment.amount:.2f}",
        "waehrung": "EUR",
        "kassenzeichen": payment.transaction_reference,
        "bezahlt_am": _iso(payment.paid_at),
    }


# ---- reads -------------------------------------------------------------------------------------------


def _parse_since(text: str) -> datetime.datetime | None:
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=datetime.UTC)


@router.get(
    "/vorgaenge",
    response={200: CasePageOut, 400: ErrorOut, 401: ErrorOut, 429: ErrorOut},
    summary="Vorgänge auflisten",
)
def cases_list(
    request: HttpRequest, status: str = "", geaendert_seit: str = "", seite: int = 1
) -> HttpResponse:
    """Die Vorgänge der Behörden Ihres Schlüssels, älteste zuerst, je Seite 100. ``status`` filtert nach
    Status (mehrere durch Komma), ``geaendert_seit`` (ISO 8601, z. B. 2026-12-01T00:00:00+01:00) nach der
    letzten Änderung."""
    cases = _visible(request).select_related("service", "authority", "org_unit").order_by("received_at", "id")
    if status:
        wanted = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in wanted if s not in Status.values]
        if unknown:
            return _error(400, _("Unbekannter Status: %(status)s") % {"status": ", ".join(unknown)})
        cases = cases.filter(status__in=wanted)
    if geaendert_seit:
        since = _parse_since(geaendert_seit)
        if since is None:
            return _error(400, _("„geaendert_seit“ muss ein Zeitpunkt nach ISO 8601 sein."))
        cases = cases.filter(Q(updated_at__gte=since))
    if seite < 1 or seite > 1_000_000:
        return _error(400, _("„seite“ muss eine Zahl ab 1 sein."))
    total = cases.count()
    start = (seite - 1) * PAGE_SIZE
    page = list(cases[start : start + PAGE_SIZE])
    following = None
    if start + PAGE_SIZE < total:
        query = request.GET.copy()
        query["seite"] = str(seite + 1)
        following = f"{BASE}/vorgaenge?{query.urlencode()}"
    return _json(
        200,
        {"anzahl": total, "seite": seite, "naechste": following, "ergebnisse": [_summary(c) for c in page]},
    )


@router.get(
    "/vorgaenge/{reference}",
    response={200: CaseOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Vorgang mit Angaben abrufen",
)
def case_get(request: HttpRequest, reference: str) -> HttpResponse:
    """Status, Fristen, zuständige Stelle, die Angaben des Antrags und die Schritte, die Ihr Schlüssel
    jetzt gehen darf."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    return _json(200, _detail(request, case))


@router.get(
    "/vorgaenge/{reference}/statusverlauf",
    response={200: list[StatusOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Statusverlauf eines Vorgangs",
)
def case_statuses(request: HttpRequest, reference: str) -> HttpResponse:
    """Jeder Status, den der Vorgang hatte, mit Zeitpunkt und wer ihn gesetzt hat (wie ZGW „statussen“)."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    entries = CaseEvent.objects.filter(
        case=case, type__in=[CaseEvent.Type.CREATED, CaseEvent.Type.TRANSITION]
    ).order_by("at", "id")
    return _json(
        200,
        [
            {
                "status": entry.to_status,
                "status_bezeichnung": str(Status(entry.to_status).label)
                if entry.to_status in Status.values
                else "",
                "vorheriger_status": entry.from_status or None,
                "zeitpunkt": entry.at.isoformat(),
                "durch": entry.actor_label,
                "text": entry.text,
            }
            for entry in entries
        ],
    )


@router.get(
    "/vorgaenge/{reference}/dokumente",
    response={200: list[DocumentOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Dokumente eines Vorgangs",
)
def case_documents(request: HttpRequest, reference: str) -> HttpResponse:
    """Anlagen des Antrags, Dateien von Nachrichten und versandte Bescheide; ``inhalt`` lädt die Datei."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    base = f"{BASE}/vorgaenge/{case.reference}/dokumente"
    documents: list[dict[str, Any]] = [
        {
            "id": str(a.pk),
            "art": "anlage",
            "dateiname": a.original_name,
            "dateityp": a.content_type,
            "groesse": a.size,
            "sha256": a.sha256,
            "erstellt_am": a.created_at.isoformat(),
            "inhalt": f"{base}/{a.pk}/inhalt",
        }
        for a in Attachment.objects.filter(submission_id=case.submission_id).order_by("created_at")
    ]
    documents += [
        {
            "id": str(d.pk),
            "art": "nachricht",
            "dateiname": d.original_name,
            "dateityp": d.content_type,
            "groesse": d.size,
            "sha256": d.sha256,
            "erstellt_am": d.created_at.isoformat(),
            "inhalt": f"{base}/{d.pk}/inhalt",
        }
        for d in CaseDocument.objects.filter(case=case).order_by("created_at")
    ]
    documents += [
        {
            "id": str(letter.pk),
            "art": "bescheid",
            "dateiname": f"bescheid-{case.reference}.pdf",
            "dateityp": "application/pdf",
            "groesse": letter.pdf.size if letter.pdf else 0,
            "sha256": None,
            "erstellt_am": letter.created_at.isoformat(),
            "inhalt": f"{base}/{letter.pk}/inhalt",
        }
        for letter in DecisionLetter.objects.filter(case=case, sent_at__isnull=False).exclude(pdf="")
    ]
    return _json(200, documents)


@router.get(
    "/vorgaenge/{reference}/dokumente/{document_id}/inhalt",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Datei eines Dokuments herunterladen",
)
def case_document_content(
    request: HttpRequest, reference: str, document_id: str
) -> HttpResponse | FileResponse:
    """Die Datei, mit dem am Inhalt erkannten Dateityp."""
    import uuid

    case = _case(request, reference)
    if case is None:
        return _not_found()
    try:
        key = uuid.UUID(document_id)
    except ValueError:
        return _error(404, _("Dieses Dokument gibt es in diesem Vorgang nicht."))
    attachment = Attachment.objects.filter(pk=key, submission_id=case.submission_id).first()
    if attachment is not None:
        return FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
    document = CaseDocument.objects.filter(pk=key, case=case).first()
    if document is not None:
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
    letter = DecisionLetter.objects.filter(pk=key, case=case, sent_at__isnull=False).exclude(pdf="").first()
    if letter is not None:
        return FileResponse(
            letter.pdf.open("rb"),
            as_attachment=True,
            filename=f"bescheid-{case.reference}.pdf",
            content_type="application/pdf",
        )
    return _error(404, _("Dieses Dokument gibt es in diesem Vorgang nicht."))


def _messages(case: Case) -> list[dict[str, Any]]:
    messages = (
        CaseMessage.objects.filter(case=case).prefetch_related("documents").order_by("created_at", "id")
    )
    return [
        {
            "id": m.pk,
            "richtung": m.direction,
            "text": m.text,
            "erstellt_am": m.created_at.isoformat(),
            "gelesen_am": _iso(m.read_at),
            "dokumente": [str(d.pk) for d in m.documents.all()],
        }
        for m in messages
    ]


@router.get(
    "/vorgaenge/{reference}/nachrichten",
    response={200: list[MessageOut], 401: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="Nachrichten eines Vorgangs",
)
def case_messages(request: HttpRequest, reference: str) -> HttpResponse:
    """Die Nachrichten zwischen Behörde und antragstellender Person (ohne interne Vermerke)."""
    case = _case(request, reference)
    if case is None:
        return _not_found()
    return _json(200, _messages(case))


# ---- writes: the same domain functions as the web ---------------------------------------------------------

_WRITE_ANSWERS: dict[int, Any] = {
    200: CaseOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
}


def _write(request: HttpRequest, reference: str, action: Any) -> HttpResponse:
    case = _case(request, reference)
    if case is None:
        return _not_found()
    client: ApiClient = request.api_client  # type: ignore[attr-defined]
    if not client.may_write:
        return _error(403, _("Dieser API-Schlüssel darf nur lesen."))
    try:
        result = action(_actor(request), case, request_source(request, "api"))
    except PermissionDenied as error:
        return _error(403, str(error) or _("Ihr Schlüssel darf diesen Vorgang nicht bearbeiten."))
    except case_services.TransitionNotAllowed as error:
        return _error(409, str(error))
    except LetterTemplateError as error:
        return _error(409, " ".join(error.messages))
    except ValidationError as error:
        return _error(400, " ".join(error.messages))
    if isinstance(result, HttpResponse):
        return result
    return _json(200, _detail(request, case))


def _spec(schema: type[Schema]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": schema.model_json_schema()}},
        }
    }


@router.post(
    "/vorgaenge/{reference}/status",
    response=_WRITE_ANSWERS,
    summary="Status ändern",
    openapi_extra=_spec(TransitionIn),
)
def case_status(request: HttpRequest, reference: str) -> HttpResponse:
    """Führt die Aktion aus, die zum Zielstatus ``to`` gehört: in_pruefung, rueckfrage (``text`` ist die
    Frage, ``reply_due`` die Antwortfrist), entschieden (``decision``, ``text`` als Begründung – der Bescheid
    wird erstellt und zugestellt), abgeschlossen."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, TransitionIn)
        if isinstance(body, HttpResponse):
            return body
        return case_services.case_transition(
            actor=actor,
            case=case,
            to=body.to,
            text=body.text,
            decision=body.decision,
            reply_due=body.reply_due,
            source=source,
        )

    return _write(request, reference, action)


@router.post(
    "/vorgaenge/{reference}/entscheidung",
    response=_WRITE_ANSWERS,
    summary="Entscheiden und Bescheid zustellen",
    openapi_extra=_spec(DecisionIn),
)
def case_decision(request: HttpRequest, reference: str) -> HttpResponse:
    """``decision``: bewilligt, abgelehnt oder teilweise; ``reasons`` erscheint im Bescheid. Der Bescheid
    wird erstellt, dem Vorgang beigefügt und der antragstellenden Person zugestellt."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, DecisionIn)
        if isinstance(body, HttpResponse):
            return body
        if body.template is not None:
            return _error(400, _("Bescheidvorlagen wählt die Sachbearbeitung; lassen Sie „template“ weg."))
        return case_services.case_decide(
            actor=actor, case=case, decision=body.decision, reasons=body.reasons, source=source
        )

    return _write(request, reference, action)


@router.post(
    "/vorgaenge/{reference}/nachrichten",
    response=_WRITE_ANSWERS,
    summary="Nachricht an die antragstellende Person",
    openapi_extra=_spec(TextIn),
)
def case_message(request: HttpRequest, reference: str) -> HttpResponse:
    """Die antragstellende Person erhält eine E-Mail ohne Inhalt und liest die Nachricht auf ihrer Seite."""

    def action(actor: Actor, case: Case, source: str) -> Any:
        body = _body(request, TextIn)
        if isinstance(body, HttpResponse):
            return body
        return case_services.case_message_send(actor=actor, case=case, text=body.text, source=source)

    return _write(request, reference, action)


api.add_router("/fachverfahren", router)
