"""The receipt (Eingangsbestätigung) of a submission as PDF, and the confirmation e-mail.

The PDF is rendered with WeasyPrint from ``submissions/pdf/receipt.html``: the letterhead of the
responsible authority (the Kreis when none is known), reference number, date, service, responsible
office, every entered value grouped and labelled as in the form version the applicant filled in, and the
uploaded files with name, type and size. It is stored once in ``Submission.receipt_pdf``;
:func:`receipt_ensure` renders it only when it is missing, so the task, the e-mail and the download link
may all ask for it.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from amtsweg.core.pdf import pdf_render
from amtsweg.core.text import is_index
from amtsweg.forms.fieldtypes import display_value
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec
from amtsweg.submissions.models import Attachment, Submission
from amtsweg.submissions.uploads import ALLOWED_KINDS, attachment_size_label
from amtsweg.tenants.models import Authority

logger = logging.getLogger("amtsweg.submissions")


@dataclass
class Row:
    label: str
    value: str


@dataclass
class Section:
    title: str
    level: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class AttachmentLine:
    name: str
    kind: str
    size: str
    field: str


# ---- values as a person reads them ----------------------------------------------------------------


def format_value(
    value: Any, spec_field: FieldSpec, spec: FormSpec, attachments: dict[str, Attachment]
) -> str:
    """One value of ``spec_field`` in German, as the applicant entered or chose it (the field type's
    ``display``, see :mod:`amtsweg.forms.fieldtypes`)."""
    code_list = spec.code_lists.get(spec_field.code_list) if spec_field.code_list else None
    return display_value(
        spec_field,
        value,
        code_labels={entry.code: entry.label for entry in code_list.entries} if code_list else None,
        file_names={key: a.original_name for key, a in attachments.items()},
    )


def data_sections(spec: FormSpec, data: Any, attachments: dict[str, Attachment]) -> list[Section]:
    """The entered data in form order: one section per group (repetitions numbered), empty fields left out."""
    sections: list[Section] = []

    def add_group(group: GroupSpec, instance: Any, title: str, level: int) -> None:
        if not isinstance(instance, dict):
            return
        section = Section(title=title, level=level)
        sections.append(section)
        for child in group.children:
            value = instance.get(child.key)
            element = child.element
            if isinstance(element, GroupSpec):
                add_child_group(child, element, value, level + 1)
                # Fields after a subgroup continue in a section of their own, so the order stays the form's.
                section = Section(title=title, level=level)
                sections.append(section)
            elif element.datatype != "label":
                text = format_value(value, element, spec, attachments)
                if text:
                    section.rows.append(Row(label=element.label or element.name, value=text))

    def add_child_group(child: ChildSpec, group: GroupSpec, value: Any, level: int) -> None:
        label = group.label or group.name
        if child.repeating and isinstance(value, list):
            for number, item in enumerate(value, start=1):
                add_group(group, item, f"{label} {number}", level)
        else:
            add_group(group, value, label, level)

    add_group(spec.root, data, spec.title, 1)
    return [section for section in sections if section.rows]


def kreis() -> Authority | None:
    return Authority.objects.filter(ags=settings.AMTSWEG_KREIS_AGS).first()


def receipt_context(submission: Submission) -> dict[str, Any]:
    """What the PDF and the e-mail show; also used by the receipt page."""
    version = submission.form_version
    spec = version.spec()
    attachments = list(submission.attachments.all())
    by_id = {str(a.pk): a for a in attachments}
    letterhead = submission.authority or kreis()
    labels = {kind.mime: kind.label for kind in ALLOWED_KINDS.values()}
    field_labels = {path: f.label for path, f in spec.fields()}
    return {
        "submission": submission,
        "letterhead": letterhead,
        "org_unit": submission.org_unit,
        "service_name": submission.service.name if submission.service else version.form.title,
        "form_title": spec.title,
        "form_version": version.version,
        "submitted_at": timezone.localtime(submission.submitted_at),
        "sections": data_sections(spec, submission.data, by_id),
        "attachments": [
            AttachmentLine(
                name=a.original_name,
                kind=labels.get(a.content_type, a.content_type),
                size=attachment_size_label(a.size),
                field=field_labels.get(".".join(p for p in a.field_path.split(".") if not is_index(p)), ""),
            )
            for a in attachments
        ],
        "site_name": settings.AMTSWEG_SITE_NAME,
    }


# ---- PDF ----------------------------------------------------------------------------------------


def receipt_pdf_bytes(submission: Submission) -> bytes:
    """Render the receipt PDF (German, whatever language the worker runs in)."""
    with translation.override("de"):
        html = render_to_string("submissions/pdf/receipt.html", receipt_context(submission))
    return pdf_render(html)


def receipt_file_name(submission: Submission) -> str:
    return f"Eingangsbestaetigung-{submission.reference}.pdf"


def receipt_ensure(submission: Submission) -> Submission:
    """Make sure the receipt PDF is stored; renders it only when it is missing. Returns the fresh row.

    Rendering happens outside any transaction (it takes a moment and must not hold locks); the file name
    is then stored only if no one else stored one meanwhile, otherwise our copy is deleted again.
    """
    if submission.receipt_pdf:
        return submission
    content = receipt_pdf_bytes(submission)
    now = timezone.now()
    name = default_storage.save(
        f"receipts/{now:%Y/%m}/{submission.pk}.pdf", ContentFile(content, name=receipt_file_name(submission))
    )
    with transaction.atomic():
        stored = Submission.objects.filter(pk=submission.pk, receipt_pdf="").update(receipt_pdf=name)
    if not stored:
        default_storage.delete(name)
    submission.refresh_from_db(fields=["receipt_pdf"])
    return submission


# ---- e-mail -------------------------------------------------------------------------------------


RECEIPT_LINK_SALT = "amtsweg.submissions.receipt-link"


def receipt_link(submission: Submission) -> str:
    """The absolute link to the receipt page. Applications of an account: the page itself (its owner logs
    in). Without an account: a signed, expiring link (``AMTSWEG_APPLICANT_LINK_DAYS``) that opens the
    receipt for the browser that follows it; it names neither the person nor the reference number."""
    if submission.applicant_id is not None:
        path = reverse("submissions:receipt", args=[submission.pk])
    else:
        token = signing.dumps(str(submission.pk), salt=RECEIPT_LINK_SALT, compress=True)
        path = reverse("submissions:receipt_access", args=[token])
    return f"{settings.AMTSWEG_PUBLIC_URL}{path}"


def receipt_link_read(token: str) -> Submission | None:
    """The submission of a link made by :func:`receipt_link`; ``None`` when forged, expired or for an
    application of an account."""
    try:
        submission_id = signing.loads(
            token, salt=RECEIPT_LINK_SALT, max_age=dt.timedelta(days=settings.AMTSWEG_APPLICANT_LINK_DAYS)
        )
    except signing.BadSignature:
        return None
    return Submission.objects.filter(pk=str(submission_id), applicant__isnull=True).first()


def confirmation_message(submission: Submission) -> EmailMultiAlternatives:
    """The confirmation e-mail in German: reference, responsible office and a link to the receipt.

    No personal data: no name (whoever submits without an account can write any name and any address, so
    the mail would carry their words to a stranger), and no PDF with the answers – the link opens the
    receipt for whoever may see it."""
    with translation.override("de"):
        context = {**receipt_context(submission), "receipt_link": receipt_link(submission)}
        subject = render_to_string("submissions/email/submission_confirmation_subject.txt", context)
        body = render_to_string("submissions/email/submission_confirmation.txt", context)
        html = render_to_string("submissions/email/submission_confirmation.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()), body=body, to=[submission.applicant_email]
    )
    message.attach_alternative(html, "text/html")
    return message


def confirmation_send(submission: Submission) -> bool:
    """Send the confirmation once; returns ``False`` when it was sent before or there is no address.

    The row is locked while the mail goes out and ``receipt_emailed_at`` is set in the same transaction,
    so two workers cannot both send it. If the process dies after sending and before the commit, a
    retry sends it a second time: at least once, in practice once.
    """
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if locked.receipt_emailed_at is not None or not locked.applicant_email:
            return False
        confirmation_message(locked).send()
        locked.receipt_emailed_at = timezone.now()
        locked.save(update_fields=["receipt_emailed_at", "updated_at"])
    return True
