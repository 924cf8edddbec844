"""Auskunft nach Art. 15 DSGVO: everything Amtsweg stores about one person, as JSON and a PDF summary.

Found by the e-mail address: the account with that address (its profile, organisation memberships),
drafts (of the account or with that address for the resume link), submissions (of the account or
with that address as the applicant's e-mail) with their answers and attachment list, and the cases of
those submissions: status history, deadlines, messages in both directions with their documents,
decision letters and forwards.

Internal notes (Vermerke) of the caseworkers are listed with their date but without their text: whether
they are disclosed is decided by the data-protection officer case by case (Art. 15 Abs. 4 DSGVO,
§ 29 Abs. 1 Satz 2 BDSG). Files themselves are not embedded; the export names them with size and SHA-256
so they can be handed over on request.

Every export writes an audit entry (``dsgvo.export``) with the counts, not the address.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from amtsweg.cases.models import Case
from amtsweg.core.audit import audit_record
from amtsweg.core.pdf import pdf_render
from amtsweg.submissions.models import Draft, Submission
from amtsweg.submissions.receipts import data_sections


@dataclass(frozen=True)
class PersonExport:
    data: dict[str, Any]
    json_text: str
    pdf: bytes
    counts: dict[str, int]


def _iso(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    return value


def _account(user: Any) -> dict[str, Any]:
    return {
        "benutzername": user.get_username(),
        "vorname": user.first_name,
        "nachname": user.last_name,
        "email": user.email,
        "art": user.kind,
        "strasse": getattr(user, "street", ""),
        "plz": getattr(user, "postcode", ""),
        "ort": getattr(user, "city", ""),
        "wohnort_gemeinde": str(user.municipality) if getattr(user, "municipality", None) else "",
        "registriert_am": _iso(user.date_joined),
        "letzte_anmeldung": _iso(user.last_login),
        "organisationen": [
            {"name": m.organisation.name, "seit": _iso(m.created_at)}
            for m in user.memberships.select_related("organisation")
        ]
        if hasattr(user, "memberships")
        else [],
    }


def _case(case: Case) -> dict[str, Any]:
    return {
        "aktenzeichen": case.reference,
        "behoerde": str(case.authority),
        "stelle": str(case.org_unit) if case.org_unit else "",
        "status": case.get_status_display(),
        "entscheidung": case.get_decision_display() if case.decision else "",
        "eingegangen_am": _iso(case.received_at),
        "bearbeitungsziel": _iso(case.due_date),
        "antwortfrist": _iso(case.reply_due),
        "genehmigungsfiktion": _iso(case.fiction_due),
        "entschieden_am": _iso(case.decided_at),
        "abgeschlossen_am": _iso(case.closed_at),
        "aufzubewahren_bis": _iso(case.retention_until),
        "verlauf": [
            {
                "zeit": _iso(e.at),
                "art": e.get_type_display(),
                "von": e.from_status,
                "zu": e.to_status,
                "text": e.text if e.type != e.Type.NOTE else "",
            }
            for e in case.events.all()
        ],
        "nachrichten": [
            {
                "zeit": _iso(m.created_at),
                "richtung": m.get_direction_display(),
                "text": m.text,
                "gelesen_am": _iso(m.read_at),
                "dokumente": [
                    {"name": d.original_name, "typ": d.content_type, "bytes": d.size, "sha256": d.sha256}
                    for d in m.documents.all()
                ],
            }
            for m in case.messages.prefetch_related("documents")
        ],
        "bescheide": [
            {"zeit": _iso(letter.created_at), "betreff": letter.subject, "versandt_am": _iso(letter.sent_at)}
            for letter in case.letters.all()
        ],
        "weiterleitungen": [
            {
                "zeit": _iso(f.at),
                "von": str(f.from_org_unit or f.from_authority),
                "an": str(f.to_org_unit or f.to_authority),
            }
            for f in case.forwards.select_related(
                "from_org_unit", "to_org_unit", "from_authority", "to_authority"
            )
        ],
        "vermerke": [
            {"zeit": _iso(n.created_at), "text": "(intern, Herausgabe nach Prüfung)"}
            for n in case.notes.all()
        ],
    }


def _readable(submission: Submission) -> list[dict[str, Any]]:
    """The answers as the receipt shows them: sections with label and German value (field types)."""
    attachments = {str(a.pk): a for a in submission.attachments.all()}
    sections = data_sections(submission.form_version.spec(), submission.data, attachments)
    return [
        {
            "abschnitt": section.title,
            "angaben": [{"feld": row.label, "wert": row.value} for row in section.rows],
        }
        for section in sections
    ]


def _submission(submission: Submission) -> dict[str, Any]:
    case = Case.objects.filter(submission=submission).first()
    return {
        "aktenzeichen": submission.reference,
        "formular": submission.form_version.form.title,
        "leistung": str(submission.service) if submission.service else "",
        "eingegangen_am": _iso(submission.submitted_at),
        "eingangsweg": submission.get_channel_display(),
        "name": submission.applicant_name,
        "email": submission.applicant_email,
        "wohnort_gemeinde": str(submission.municipality) if submission.municipality else "",
        "angaben": submission.data,
        "angaben_lesbar": _readable(submission),
        "anlagen": [
            {"name": a.original_name, "typ": a.content_type, "bytes": a.size, "sha256": a.sha256}
            for a in submission.attachments.all()
        ],
        "vorgang": _case(case) if case is not None else None,
    }


def person_data(email: str) -> dict[str, Any]:
    """Everything stored about the person with ``email`` (see the module docstring)."""
    email = email.strip()
    users = list(get_user_model()._default_manager.filter(email__iexact=email))
    user_ids = [u.pk for u in users]
    drafts = Draft.objects.filter(Q(applicant_id__in=user_ids) | Q(email__iexact=email)).select_related(
        "form_version__form"
    )
    submissions = (
        Submission.objects.filter(Q(applicant_id__in=user_ids) | Q(applicant_email__iexact=email))
        .select_related("form_version__form", "service", "municipality")
        .order_by("submitted_at")
    )
    return {
        "erstellt_am": timezone.now().isoformat(),
        "email": email,
        "konten": [_account(u) for u in users],
        "entwuerfe": [
            {
                "formular": d.form_version.form.title,
                "angelegt_am": _iso(d.created_at),
                "geaendert_am": _iso(d.updated_at),
                "laeuft_ab_am": _iso(d.expires_at),
                "angaben": d.data,
            }
            for d in drafts
        ],
        "antraege": [_submission(s) for s in submissions],
    }


def person_export(email: str, *, actor: Any = None, source: str = "") -> PersonExport:
    """JSON and PDF of :func:`person_data`, with an audit entry."""
    data = person_data(email)
    counts = {
        "konten": len(data["konten"]),
        "entwuerfe": len(data["entwuerfe"]),
        "antraege": len(data["antraege"]),
        "vorgaenge": sum(1 for s in data["antraege"] if s["vorgang"]),
    }
    json_text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    with translation.override("de"):
        html = render_to_string(
            "cases/pdf/dsgvo_export.html",
            {"data": data, "counts": counts, "site_name": settings.AMTSWEG_SITE_NAME},
        )
    pdf = pdf_render(html)
    audit_record(actor=actor, action="dsgvo.export", changes=counts, source=source)
    return PersonExport(data=data, json_text=json_text, pdf=pdf, counts=counts)
