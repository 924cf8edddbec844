"""The preview of a decision letter before it is sent (part of the "entschieden" step of the case page).

The decision form posts ``aktion=vorschau``: the letter is rendered exactly as it would be sent (template,
placeholders, signature, Rechtsbehelfsbelehrung) and shown as a page, with a PDF preview
(``aktion=pdf``, marked "Vorschau") and the buttons to change it (``aktion=aendern``) or to send it
(``aktion=senden`` with the confirmation). The preview page carries a fingerprint of the letter it
showed; a send whose letter differs from it (the template or the legal remedy was changed meanwhile)
shows the new preview instead of sending something the caseworker has not seen.

Nothing is stored and nothing is audited by a preview; sending goes on in ``views.case_transition``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from amtsweg.cases.letters import LetterTemplateError, LetterText, letter_pdf_bytes, letter_text
from amtsweg.cases.models import Case, Decision, LetterTemplate

SEND, PREVIEW, PDF, CHANGE = "senden", "vorschau", "pdf", "aendern"


def action(request: HttpRequest) -> str:
    """What the decision form asks for; anything unknown is a preview (never a send)."""
    value = request.POST.get("aktion", "")
    return value if value in (SEND, PDF, CHANGE) else PREVIEW


def fingerprint(text: LetterText) -> str:
    content = "\x1f".join((text.subject, text.body, text.legal_remedies))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]


def _render_form(request: HttpRequest, case: Case, step: Any, form: Any, status: int) -> HttpResponse:
    return render(
        request, "cases/case_transition.html", {"case": case, "step": step, "form": form}, status=status
    )


def decision_preview(
    request: HttpRequest, *, case: Case, step: Any, form: Any, templates: list[LetterTemplate]
) -> HttpResponse | None:
    """Answer a POST of the decision form: the preview page, the PDF preview or the form again; ``None``
    when the letter may be sent (send, confirmed, the letter is the one that was previewed)."""
    wanted = action(request)
    valid = form.is_valid()
    if not valid and not (wanted == SEND and set(form.errors) == {"bestaetigt"}):
        return None  # the form with its errors (rendered by the caller)
    data = form.cleaned_data
    template = next((t for t in templates if t.pk == data.get("vorlage")), None)
    try:
        text = letter_text(
            case=case,
            template=template,
            decision=data.get("entscheidung") or "",
            reasons=data.get("begruendung") or "",
            actor=request.user,
        )
    except LetterTemplateError as error:
        form.add_error(None, error.message)
        return _render_form(request, case, step, form, 400)
    if wanted == CHANGE:
        return _render_form(request, case, step, form, 200)
    if wanted == PDF:
        response = HttpResponse(
            letter_pdf_bytes(case=case, text=text, preview=True), content_type="application/pdf"
        )
        response["Content-Disposition"] = f'inline; filename="Bescheid-Vorschau-{case.reference}.pdf"'
        return response
    seen = fingerprint(text)
    changed = wanted == SEND and request.POST.get("vorschau", "") != seen
    if wanted == SEND and valid and not changed:
        return None
    context = {
        "case": case,
        "step": step,
        "form": form,
        "text": text,
        "fingerprint": seen,
        "decision": data.get("entscheidung") or "",
        "decision_label": Decision(data["entscheidung"]).label
        if data.get("entscheidung") in Decision.values
        else "",
        "reasons": data.get("begruendung") or "",
        "template_id": template.pk if template else "",
        "template_name": template.name if template else _("Standardtext ohne Vorlage"),
        "changed": changed,
    }
    status = 409 if changed else (400 if not valid else 200)
    return render(request, "cases/case_letter_preview.html", context, status=status)
