"""Template filters of the strategy cockpit: ``{{ amount|euro }}``, ``{{ value|decimal_de:1 }}``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from amtsweg.strategy.money import format_decimal_de, format_euro

register = template.Library()


@register.filter
def euro(value: Decimal | int | float | None) -> str:
    return format_euro(value)


@register.filter
def decimal_de(value: Any, places: int = 2) -> str:
    return format_decimal_de(value, int(places))


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``{{ mapping|get_item:key }}`` for dictionaries keyed by objects or ids."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
