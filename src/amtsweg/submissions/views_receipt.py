"""The receipt page after submitting, the receipt PDF and the demo mail outbox.

A receipt is shown only to the account that submitted or to the browser session that did (the web flow
remembers the submission id in the session under :data:`SUBMITTED_SESSION_KEY`); everyone else gets 404,
so a guessed address reveals nothing.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.submissions.hooks import receipt_notices
from amtsweg.submissions.models import Submission
from amtsweg.submissions.receipts import receipt_ensure, receipt_file_name, receipt_link_read

SUBMITTED_SESSION_KEY = "amtsweg.submissions.submitted"  # ids of submissions this browser session made
OUTBOX_LIMIT = 50


def may_see_submission(request: HttpRequest, submission: Submission) -> bool:
    """The applicant's account, or the browser session that submitted."""
    user = getattr(request, "user", None)
    if submission.applicant_id is not None and user is not None and user.is_authenticated:
        return bool(user.pk == submission.applicant_id)
    return str(submission.pk) in request.session.get(SUBMITTED_SESSION_KEY, [])


def _submission_for(request: HttpRequest, submission_id: Any) -> Submission:
    submission = (
        Submission.objects.select_related(
            "form_version__form", "service", "authority", "org_unit", "municipality"
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not may_see_submission(request, submission):
        raise Http404(_("Diesen Antrag gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return submission


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = _submission_for(request, submission_id)
    locations: list[Any] = []
    if submission.service is not None and submission.municipality is not None:
        resolved = responsibility_resolve(submission.service, submission.municipality)
        if resolved is not None:
            locations = list(resolved.contact_locations or resolved.locations)[:3]
    return render(
        request,
        "submissions/receipt.html",
        {
            "submission": submission,
            "service_name": submission.service.name
            if submission.service
            else submission.form_version.form.title,
            "locations": locations,
            "attachments": list(submission.attachments.all()),
            "notices": receipt_notices(submission),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt_access(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail (application without an account): remembers the submission in
    this browser session, then shows the receipt under its plain address (the token leaves the URL)."""
    submission = receipt_link_read(token)
    if submission is None:
        raise Http404(_("Dieser Link ist ungültig oder abgelaufen."))
    done = [i for i in request.session.get(SUBMITTED_SESSION_KEY, []) if i != str(submission.pk)]
    request.session[SUBMITTED_SESSION_KEY] = [*done, str(submission.pk)][-20:]
    return redirect("submissions:receipt", submission.pk)


@never_cache
@require_http_methods(["GET", "HEAD"])
def receipt_pdf(request: HttpRequest, submission_id: Any) -> FileResponse:
    """The receipt PDF; rendered right now when the background task has not done it yet."""
    submission = receipt_ensure(_submission_for(request, submission_id))
    return FileResponse(
        submission.receipt_pdf.open("rb"),
        as_attachment=True,
        filename=receipt_file_name(submission),
        content_type="application/pdf",
    )


# ---- demo outbox --------------------------------------------------------------------------------


@dataclass
class OutboxMail:
    file: str
    sent: str
    to: str
    subject: str
    body: str
    attachments: list[str]


def _parse_mails(path: Path) -> list[OutboxMail]:
    """The file backend writes one file per connection, messages separated by a line of 79 dashes."""
    mails: list[OutboxMail] = []
    raw = path.read_bytes()
    for chunk in raw.split(b"\n" + b"-" * 79 + b"\n"):
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk.strip(), policy=email.policy.default)
        if not isinstance(message, EmailMessage):
            continue
        text = message.get_body(preferencelist=("plain",))
        mails.append(
            OutboxMail(
                file=path.name,
                sent=str(message.get("Date", "")),
                to=str(message.get("To", "")),
                subject=str(message.get("Subject", "")),
                body=text.get_content() if text is not None else "",
                attachments=[part.get_filename() or "" for part in message.iter_attachments()],
            )
        )
    return mails


@never_cache
@require_http_methods(["GET", "HEAD"])
def demo_outbox(request: HttpRequest) -> HttpResponse:
    """The e-mails the demo wrote to files – only with ``AMTSWEG_DEMO_OUTBOX`` or ``DEBUG``, else 404."""
    if not (settings.AMTSWEG_DEMO_OUTBOX or settings.DEBUG) or settings.IS_PRODUCTION:
        raise Http404
    folder = Path(settings.AMTSWEG_MAIL_DIR)
    files = (
        sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True) if folder.is_dir() else []
    )
    mails: list[OutboxMail] = []
    for path in files:
        mails.extend(reversed(_parse_mails(path)))
        if len(mails) >= OUTBOX_LIMIT:
            break
    return render(
        request,
        "submissions/receipt_demo_outbox.html",
        {"mails": mails[:OUTBOX_LIMIT], "folder": folder, "file_backend": "filebased" in _backend_name()},
    )


def _backend_name() -> str:
    mailers = getattr(settings, "MAILERS", {}) or {}
    return str(mailers.get("default", {}).get("BACKEND", ""))
