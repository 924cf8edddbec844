"""Template filters of the assistant's pages: ``{{ share|percent }}`` → "93,5 %"."""

from __future__ import annotations

from typing import Any

from django import template

from amtsweg.assistant.selectors import percent as format_percent

register = template.Library()


@register.filter
def percent(value: Any) -> str:
    """A share between 0 and 1 as a German percentage; empty for a missing value."""
    if value is None or value == "":
        return ""
    try:
        return format_percent(float(value))
    except (TypeError, ValueError):
        return str(value)
