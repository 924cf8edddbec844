"""The link to the same page in the other language (footer of every portal page)."""

from __future__ import annotations

from django import template
from django.http import HttpRequest
from django.urls import reverse, translate_url
from django.utils.translation import override

register = template.Library()


@register.simple_tag(takes_context=True)
def translated_url(context: template.Context, language: str) -> str:
    """This page's address in ``language``, query string included; the start page if the path is unknown."""
    request: HttpRequest | None = context.get("request")
    if request is not None:
        current = request.get_full_path()
        translated = translate_url(current, language)
        if translated != current:
            return translated
    with override(language):
        return reverse("portal:home")
