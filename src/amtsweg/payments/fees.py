"""What a fee amounts to for the answers of one application."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from amtsweg.forms.conditions import holds, resolve
from amtsweg.payments.models import MAX_AMOUNT, FormFee

MAX_QUANTITY = 999


@dataclass(frozen=True)
class FeeLine:
    label: str
    quantity: int
    unit: Decimal

    @property
    def total(self) -> Decimal:
        return self.unit * self.quantity


def _decimal(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return Decimal("0.00")
    return amount if amount.is_finite() and amount >= 0 else Decimal("0.00")


def _quantity(data: Any, path: str) -> int:
    value = resolve(data, path) if isinstance(data, dict) else None
    if isinstance(value, list):
        return min(len(value), MAX_QUANTITY)
    try:
        number = int(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        return 0
    return max(0, min(number, MAX_QUANTITY))


def fee_lines(fee: FormFee, data: Any) -> list[FeeLine]:
    """The positions of ``fee`` that apply to ``data`` (the answers); the base amount first."""
    lines: list[FeeLine] = []
    if fee.amount > 0:
        lines.append(FeeLine(fee.description or _("Gebühr"), 1, fee.amount))
    for position in fee.positions or []:
        if not isinstance(position, dict):
            continue
        condition = position.get("when")
        if condition and not holds(condition, data if isinstance(data, dict) else {}):
            continue
        quantity = _quantity(data, str(position["per"])) if position.get("per") else 1
        unit = _decimal(position.get("amount", "0"))
        if quantity and unit > 0:
            lines.append(FeeLine(str(position.get("label") or _("Zuschlag"))[:250], quantity, unit))
    return lines


def fee_total(fee: FormFee, data: Any) -> Decimal:
    return min(sum((line.total for line in fee_lines(fee, data)), Decimal("0.00")), MAX_AMOUNT)


def euro(amount: Decimal) -> str:
    """German money format: 1.234,50 €."""
    text = f"{amount:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} €"
