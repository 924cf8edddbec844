"""Template tags for pages outside this app that link to online applications."""

from __future__ import annotations

from typing import Any

from django import template

from amtsweg.forms.models import Form, FormVersion

register = template.Library()


@register.simple_tag
def online_form(service: Any) -> Form | None:
    """The form of ``service`` that has a published version (``{% online_form service as form %}``)."""
    if service is None or getattr(service, "pk", None) is None:
        return None
    return (
        Form.objects.filter(service=service, versions__status=FormVersion.Status.PUBLISHED)
        .order_by("title")
        .distinct()
        .first()
    )
