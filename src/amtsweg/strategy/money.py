"""German money and number formatting (``30.000,00 €``), independent of the active locale."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_decimal_de(value: Decimal | int | float | None, places: int = 2) -> str:
    """``1234567.5`` → ``1.234.567,50`` (thousands with dots, decimal comma); ``None`` → empty."""
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    text = f"{abs(amount):,.{places}f}"  # 1,234,567.50
    return sign + text.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")


def format_euro(value: Decimal | int | float | None) -> str:
    """``30000`` → ``30.000,00 €`` (with a non-breaking space before the sign)."""
    if value is None:
        return ""
    return f"{format_decimal_de(value)}\u00a0€"
