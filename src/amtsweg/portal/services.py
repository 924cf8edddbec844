from __future__ import annotations

from typing import Any

from django.db import transaction

from amtsweg.core.audit import audit_record
from amtsweg.portal.models import AccessibilityFeedback


@transaction.atomic
def feedback_submit(*, actor: Any, page_url: str, message: str, name: str = "", email: str = "") -> AccessibilityFeedback:
    """Store a reported barrier; admins see it in the Django admin."""
    feedback = AccessibilityFeedback(page_url=page_url, message=message, name=name, email=email)
    feedback.full_clean()
    feedback.save()
    audit_record(actor=actor, action="portal.feedback.submitted", obj=feedback)
    return feedback
