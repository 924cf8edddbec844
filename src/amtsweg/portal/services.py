from __future__ import annotations

from typing import Any

from django.db import transaction

from amtsweg.access.permissions import can_manage_feedback, require
from amtsweg.core.audit import audit_record
from amtsweg.portal.models import AccessibilityFeedback


@transaction.atomic
def feedback_submit(
    *, actor: Any, page_url: str, message: str, name: str = "", email: str = ""
) -> AccessibilityFeedback:
    """Store a reported barrier; admins see it in the Django admin."""
    feedback = AccessibilityFeedback(page_url=page_url, message=message, name=name, email=email)
    feedback.full_clean()
    feedback.save()
    audit_record(actor=actor, action="portal.feedback.submitted", obj=feedback)
    return feedback


@transaction.atomic
def feedback_update(*, actor: Any, feedback: AccessibilityFeedback, status: str, internal_note: str) -> None:
    """Admins record how a reported barrier is being handled."""
    require(can_manage_feedback(actor))
    feedback.status = status
    feedback.internal_note = internal_note
    feedback.full_clean()
    feedback.save(update_fields=["status", "internal_note", "updated_at"])
    audit_record(actor=actor, action="portal.feedback.changed", obj=feedback, changes={"status": status})
