"""Drafts: an application being filled in, step by step, until it is submitted.

A draft belongs either to a citizen account (``applicant``) or – for people without an account – to
whoever holds it: the browser session that started it (its id is remembered in the session) or the
resume link sent by e-mail. The link carries a random token; only its SHA-256 is stored
(``Draft.resume_token_hash``), so a database copy cannot be turned into working links.

Drafts expire ``AMTSWEG_DRAFT_DAYS`` after their last change. :func:`drafts_expire` deletes expired
drafts together with their uploaded files; it runs as ``amtsweg expire-drafts`` (cron) or as the task
:data:`drafts_expire_task`.

Drafts hold personal data that the applicant may still change or throw away, so their changes are not
written to the audit log; the submission is (see ``submissions.services``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from amtsweg.accounts.services import resume_link_allowance_take
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.models import Attachment, Draft
from amtsweg.submissions.prefill import account_prefill
from amtsweg.tenants.models import Authority

logger = logging.getLogger("amtsweg.submissions")

SESSION_KEY = "amtsweg.submissions.drafts"  # ids of the anonymous drafts this browser session may open
SESSION_LIMIT = 20


def _expiry(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) + timedelta(days=settings.AMTSWEG_DRAFT_DAYS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _is_citizen(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def draft_start(
    *,
    form_version: FormVersion,
    actor: Any,
    municipality: Authority | None = None,
    email: str = "",
    organisation: Any = None,
    text: str = "",
) -> tuple[Draft, str]:
    """Start a draft of ``form_version``; returns the draft and, for anonymous applicants, a resume token.

    A logged-in citizen owns the draft (no token, returns ``""``), for themselves or for the
    ``organisation`` they act for; the groups the form marks ``prefill: konto`` start with the account's
    name, e-mail and address (:mod:`amtsweg.submissions.prefill`). Without an account the draft gets a
    fresh token whose hash is stored; the caller remembers the draft in the session. ``text`` (a question
    the citizen already typed, e.g. in "Frag den Kreis") fills the form's first free-text field on the top
    level, if it has one.
    """
    if not form_version.is_published:
        raise ValueError("Nur veröffentlichte Formularversionen können ausgefüllt werden.")
    token = ""
    draft = Draft(form_version=form_version, municipality=municipality, expires_at=_expiry())
    if _is_citizen(actor):
        draft.applicant = actor
        draft.email = email or getattr(actor, "email", "")
        # "Im Namen von": the caller passes accounts.selectors.acting_for(request), checked there
        # against the memberships; only an account can act for an organisation.
        draft.organisation = organisation
        draft.data = account_prefill(form_version.spec(), actor, organisation)
    else:
        token = secrets.token_urlsafe(32)
        draft.email = email
        draft.resume_token_hash = token_hash(token)
    text = text.replace("\x00", "").strip()
    if text:
        target = _first_free_text_field(form_version.spec())
        if target is not None:
            draft.data = {**(draft.data or {}), target.key: text[: target.max_length or len(text)]}
    draft.save()
    return draft, token


def _first_free_text_field(spec: Any) -> Any:
    for path, field in spec.fields():
        if "." not in path and field.input == "textarea" and field.datatype == "text":
            return field
    return None


def draft_save_step(
    *,
    draft: Draft,
    data: dict[str, Any],
    step_key: str,
    complete: bool | None,
) -> Draft:
    """Store the answers of a step and whether the step is complete.

    ``data`` replaces the draft's answers as a whole (the caller merged the step into them).
    ``complete`` True marks the step done, False marks it to do again, None leaves the mark alone.
    Every change pushes the expiry date out again.
    """
    draft.data = data
    draft.current_step = step_key
    done = [key for key in draft.completed_steps if key != step_key]
    if complete or (complete is None and step_key in draft.completed_steps):
        done.append(step_key)
    draft.completed_steps = done
    draft.expires_at = _expiry()
    draft.save(update_fields=["data", "current_step", "completed_steps", "expires_at", "updated_at"])
    return draft


def draft_set_completed(*, draft: Draft, completed: list[str]) -> Draft:
    """Replace the list of completed steps (used when a later check finds a step incomplete again)."""
    draft.completed_steps = completed
    draft.save(update_fields=["completed_steps", "updated_at"])
    return draft


class ResumeLinkThrottled(Exception):
    """Too many resume links to this address or from this client lately; nothing was sent or changed."""


def draft_resume_link_send(*, draft: Draft, base_url: str, email: str = "", ip: str = "") -> str:
    """E-mail a new resume link for an anonymous draft; returns the address it went to.

    A new token replaces the old one, so only the newest link works. The mail names the form and the
    link, nothing the applicant typed in. ``base_url`` is the site's address (``https://host``). Raises
    :class:`ResumeLinkThrottled` – before the token changes, so the last link sent keeps working – when
    the address or the client ``ip`` asked for too many links lately.
    """
    to = email or draft.email
    if draft.applicant_id is not None or not to:
        raise ValueError("Ein Fortsetzungslink geht nur an Entwürfe ohne Konto mit E-Mail-Adresse.")
    if not resume_link_allowance_take(email=to, ip=ip):
        raise ResumeLinkThrottled
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        draft.resume_token_hash = token_hash(token)
        draft.email = to
        draft.expires_at = _expiry()
        draft.save(update_fields=["resume_token_hash", "email", "expires_at", "updated_at"])
        context = {
            "title": draft.form_version.form.title,
            "link": base_url.rstrip("/") + reverse("submissions:resume", args=[token]),
            "expires_at": draft.expires_at,
            "site_name": settings.AMTSWEG_SITE_NAME,
        }
        subject = render_to_string("submissions/email/resume_link_subject.txt", context).strip()
        body = render_to_string("submissions/email/resume_link.txt", context)
        send_mail(subject, body, None, [to])
    return to


def draft_resume(*, token: str) -> Draft | None:
    """The anonymous draft the resume ``token`` belongs to (expired ones too; the caller tells them apart)."""
    if not token or len(token) > 100:
        return None
    return (
        Draft.objects.select_related("form_version", "form_version__form")
        .filter(resume_token_hash=token_hash(token), applicant__isnull=True)
        .first()
    )


def draft_is_expired(draft: Draft, now: datetime | None = None) -> bool:
    return draft.expires_at <= (now or timezone.now())


def _delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        if attachment.file:
            try:
                attachment.file.delete(save=False)
            except OSError:  # already gone: nothing left to delete
                logger.warning("Anlage %s: Datei war schon gelöscht", attachment.pk)


def draft_delete(*, draft: Draft) -> None:
    """Delete a draft with its uploaded files (the applicant threw it away)."""
    attachments = list(draft.attachments.filter(submission__isnull=True))
    with transaction.atomic():
        draft.delete()
    # Files go after the commit: a rolled-back delete must not lose them.
    _delete_files(attachments)


def drafts_expire(*, now: datetime | None = None) -> int:
    """Delete every draft whose expiry date has passed, with its uploaded files; returns how many."""
    now = now or timezone.now()
    count = 0
    for draft in Draft.objects.filter(expires_at__lte=now).iterator():
        draft_delete(draft=draft)
        count += 1
    if count:
        logger.info("%s abgelaufene Entwürfe gelöscht", count)
    return count


@task()
def drafts_expire_task() -> int:
    """Background form of :func:`drafts_expire` (``amtsweg expire-drafts`` runs the same)."""
    return drafts_expire()
