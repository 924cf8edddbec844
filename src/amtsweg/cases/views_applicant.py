"""The applicant's pages of a case (``/vorgaenge/mein/<Aktenzeichen>/``): status, messages, reply with
attachments, withdrawal, decision letters. Only the owner's account sees them; everyone else gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from amtsweg.cases import states
from amtsweg.cases.hooks import applicant_status
from amtsweg.cases.models import Case, CaseDocument, Status
from amtsweg.cases.selectors import case_for_applicant, letters_for_applicant, messages_for_applicant
from amtsweg.cases.services import (
    MAX_MESSAGE_FILES,
    TransitionNotAllowed,
    allowed_steps,
    case_messages_mark_read,
    case_reply,
    case_withdraw,
)
from amtsweg.core.audit import request_source


def _own_case(request: HttpRequest, reference: str) -> Case:
    case = case_for_applicant(request.user, reference)
    if case is None:
        raise Http404(_("Diesen Antrag gibt es nicht oder er gehört zu einem anderen Konto."))
    return case


def _can_withdraw(request: HttpRequest, case: Case) -> bool:
    return any(step.target == Status.ZURUECKGEZOGEN for step in allowed_steps(request.user, case))


def _page(
    request: HttpRequest, case: Case, *, error: str = "", text: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "case": case,
        "status": applicant_status(case),
        "conversation": messages_for_applicant(case),
        "letters": letters_for_applicant(case),
        "can_reply": case.is_open,
        "can_withdraw": _can_withdraw(request, case),
        "needs_reply": case.status == Status.RUECKFRAGE,
        "error": error,
        "text": text,
        "max_files": MAX_MESSAGE_FILES,
        "status_label": states.APPLICANT_LABELS.get(case.status, ""),
    }
    return render(request, "cases/applicant_case.html", context, status=status)


@never_cache
@login_required
def applicant_case(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    case_messages_mark_read(actor=request.user, case=case)
    return _page(request, case)


@never_cache
@login_required
@require_POST
def applicant_reply(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    text = request.POST.get("nachricht", "")
    try:
        case_reply(
            actor=request.user,
            case=case,
            text=text,
            files=request.FILES.getlist("dateien"),
            source=request_source(request, "web"),
        )
    except ValidationError as error:
        return _page(request, case, error=" ".join(error.messages), text=text, status=400)
    messages.success(request, _("Ihre Nachricht wurde an die zuständige Stelle gesendet."))
    return redirect(reverse("cases:applicant_case", args=[case.reference]) + "#nachrichten")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def applicant_withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not _can_withdraw(request, case):
        messages.error(request, _("Dieser Antrag kann nicht mehr zurückgezogen werden."))
        return redirect("cases:applicant_case", case.reference)
    if request.method == "POST":
        try:
            case_withdraw(actor=request.user, case=case, source=request_source(request, "web"))
        except (TransitionNotAllowed, PermissionDenied) as error:
            messages.error(request, str(error))
            return redirect("cases:applicant_case", case.reference)
        messages.success(request, _("Sie haben Ihren Antrag zurückgezogen."))
        return redirect("cases:applicant_case", case.reference)
    return render(request, "cases/applicant_withdraw.html", {"case": case})


@login_required
def applicant_document(request: HttpRequest, reference: str, document_id: str) -> FileResponse:
    case = _own_case(request, reference)
    document = CaseDocument.objects.filter(case=case, pk=document_id, message__isnull=False).first()
    if document is None:
        raise Http404(_("Diese Datei gibt es nicht."))
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )


@login_required
def applicant_letter(request: HttpRequest, reference: str, letter_id: str) -> FileResponse:
    case = _own_case(request, reference)
    letter = letters_for_applicant(case).filter(pk=letter_id).first()
    if letter is None:
        raise Http404(_("Diesen Bescheid gibt es nicht."))
    return FileResponse(
        letter.pdf.open("rb"),
        as_attachment=True,
        filename=f"Bescheid-{case.reference}.pdf",
        content_type="application/pdf",
    )
