"""The applicant's pages of a case (``/vorgaenge/mein/<Aktenzeichen>/``): status, messages, reply with
attachments, withdrawal, decision letters. Only the owner's account sees them – or, for a case without an
account, the browser session that opened the case's access link (``/vorgaenge/zugang/<token>/``, see
:mod:`amtsweg.cases.guest`); everyone else gets 404, a visitor without either is sent to the login."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from amtsweg.cases import states
from amtsweg.cases.guest import (
    LinkExpired,
    LinkInvalid,
    grant_from_token,
    is_link_holder,
    session_grants,
    session_remember,
)
from amtsweg.cases.hooks import status_of
from amtsweg.cases.models import Case, CaseDocument, Status
from amtsweg.cases.selectors import (
    case_for_applicant,
    case_for_link_holder,
    case_link_generation,
    case_openable_by_link,
    letters_for_applicant,
    messages_for_applicant,
)
from amtsweg.cases.services import (
    MAX_MESSAGE_FILES,
    TransitionNotAllowed,
    allowed_steps,
    case_messages_mark_read,
    case_reply,
    case_withdraw,
)
from amtsweg.core.actors import Actor
from amtsweg.core.audit import request_source
from amtsweg.payments.selectors import payment_summary


class _LoginNeeded(Exception):
    pass


class _LinkRevoked(Exception):
    pass


def _actor_and_case(request: HttpRequest, reference: str) -> tuple[Any, Case]:
    """Who acts on the page (the account or the link holder) and the case; 404 for a case of another."""
    if request.user.is_authenticated:
        case = case_for_applicant(request.user, reference)
        actor: Actor | None = Actor.of_user(request.user)
    else:
        # Checked on every request: an expired or revoked link no longer opens the case in this session.
        grants = session_grants(request.session)
        if not grants:
            raise _LoginNeeded
        case = case_for_link_holder(grants, reference)
        if case is None and any(
            case_link_generation(grant.case_id) not in (None, grant.generation) for grant in grants
        ):
            raise _LinkRevoked
        actor = Actor.link_holder(case.pk) if case is not None else None
    if case is None:
        raise Http404(_("Diesen Antrag gibt es nicht oder er gehört zu einem anderen Konto."))
    return actor, case


ApplicantView = Callable[..., HttpResponseBase]


def _applicant_page(view: ApplicantView) -> ApplicantView:
    """Resolve ``reference`` to the case and its applicant (account or link holder) and call
    ``view(request, actor, case, **kwargs)``; a visitor without either is sent to the login."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str, **kwargs: Any) -> HttpResponseBase:
        try:
            actor, case = _actor_and_case(request, reference)
        except _LoginNeeded:
            return redirect_to_login(request.get_full_path())
        except _LinkRevoked:
            return _link_refused(request, _revoked_text(), status=410)
        return view(request, actor, case, **kwargs)

    return wrapper


def _can_withdraw(actor: Any, case: Case) -> bool:
    return any(step.target == Status.ZURUECKGEZOGEN for step in allowed_steps(actor, case))


def _page(
    request: HttpRequest, actor: Any, case: Case, *, error: str = "", text: str = "", status: int = 200
) -> HttpResponse:
    status_now = status_of(case)
    context = {
        "case": case,
        "status": status_now,
        "conversation": messages_for_applicant(case),
        "letters": letters_for_applicant(case),
        "can_reply": case.is_open,
        "can_withdraw": _can_withdraw(actor, case),
        "needs_reply": case.status == Status.RUECKFRAGE and status_now.needs_action,
        "error": error,
        "text": text,
        "max_files": MAX_MESSAGE_FILES,
        "status_label": states.APPLICANT_LABELS.get(case.status, ""),
        "via_link": is_link_holder(actor),
        "payment": payment_summary(case.submission),
    }
    return render(request, "cases/applicant_case.html", context, status=status)


@never_cache
def applicant_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open a case with the access link from the e-mail (applicants without an account)."""
    try:
        grant = grant_from_token(token)
    except LinkExpired:
        return _link_refused(request, _("Dieser Link ist abgelaufen."), status=410)
    except LinkInvalid:
        return _link_refused(request, _("Dieser Link ist ungültig oder unvollständig."), status=404)
    case = case_openable_by_link(grant.case_id, grant.generation)
    if case is None:
        current = case_link_generation(grant.case_id)
        if current is not None and current > grant.generation:
            return _link_refused(request, _revoked_text(), status=410)
        return _link_refused(request, _("Dieser Link ist ungültig oder unvollständig."), status=404)
    session_remember(request.session, grant)
    return redirect("cases:applicant_case", case.reference)


def _revoked_text() -> str:
    return _(
        "Dieser Link gilt nicht mehr: Es wurde ein neuerer Link verschickt oder der Link wurde gesperrt."
    )


def _link_refused(request: HttpRequest, reason: str, *, status: int) -> HttpResponse:
    return render(
        request,
        "cases/applicant_link_refused.html",
        {"reason": reason, "days": settings.AMTSWEG_APPLICANT_LINK_DAYS},
        status=status,
    )


@never_cache
@_applicant_page
def applicant_case(request: HttpRequest, actor: Any, case: Case) -> HttpResponse:
    case_messages_mark_read(actor=actor, case=case)
    return _page(request, actor, case)


@never_cache
@require_POST
@_applicant_page
def applicant_reply(request: HttpRequest, actor: Any, case: Case) -> HttpResponse:
    text = request.POST.get("nachricht", "")
    try:
        case_reply(
            actor=actor,
            case=case,
            text=text,
            files=request.FILES.getlist("dateien"),
            source=request_source(request, "web"),
        )
    except ValidationError as error:
        return _page(request, actor, case, error=" ".join(error.messages), text=text, status=400)
    messages.success(request, _("Ihre Nachricht wurde an die zuständige Stelle gesendet."))
    return redirect(reverse("cases:applicant_case", args=[case.reference]) + "#nachrichten")


@never_cache
@require_http_methods(["GET", "POST"])
@_applicant_page
def applicant_withdraw(request: HttpRequest, actor: Any, case: Case) -> HttpResponse:
    if not _can_withdraw(actor, case):
        messages.error(request, _("Dieser Antrag kann nicht mehr zurückgezogen werden."))
        return redirect("cases:applicant_case", case.reference)
    if request.method == "POST":
        try:
            case_withdraw(actor=actor, case=case, source=request_source(request, "web"))
        except (TransitionNotAllowed, PermissionDenied) as error:
            messages.error(request, str(error))
            return redirect("cases:applicant_case", case.reference)
        messages.success(request, _("Sie haben Ihren Antrag zurückgezogen."))
        return redirect("cases:applicant_case", case.reference)
    return render(request, "cases/applicant_withdraw.html", {"case": case})


@_applicant_page
def applicant_document(request: HttpRequest, actor: Any, case: Case, document_id: str) -> HttpResponseBase:
    document = CaseDocument.objects.filter(case=case, pk=document_id, message__isnull=False).first()
    if document is None:
        raise Http404(_("Diese Datei gibt es nicht."))
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@_applicant_page
def applicant_letter(request: HttpRequest, actor: Any, case: Case, letter_id: str) -> HttpResponseBase:
    letter = letters_for_applicant(case).filter(pk=letter_id).first()
    if letter is None:
        raise Http404(_("Diesen Bescheid gibt es nicht."))
    return FileResponse(
        letter.pdf.open("rb"),
        as_attachment=True,
        filename=f"Bescheid-{case.reference}.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_http_methods(["GET", "POST"])
@_applicant_page
def applicant_pay(request: HttpRequest, actor: Any, case: Case) -> HttpResponse:
    """Pay the fee of the application (due after submitting) from its page – the account or the holder
    of the access link."""
    from amtsweg.payments.views import submission_pay_response

    return submission_pay_response(
        request, case.submission, reverse("cases:applicant_case", args=[case.reference])
    )
