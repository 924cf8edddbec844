"""Validators for budget data (NKF NRW products, pay grades) and scales."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PRODUCT_PATTERN = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})$")
# NRW Produktbereiche 01 (Innere Verwaltung) … 17 (Stiftungen), see DOMAIN.md §5.
PRODUCT_AREAS = range(1, 18)
PAY_GRADE_PATTERN = re.compile(r"^(EG|E|S|A|B|W)\s?\d{1,2}[a-z]?$")


def validate_product(value: str) -> None:
    """An NKF product number ``NN.NN.NN`` whose first part is an NRW Produktbereich (01–17)."""
    match = PRODUCT_PATTERN.match(value or "")
    if match is None:
        raise ValidationError(
            _("Bitte geben Sie das Produkt im Format NN.NN.NN an, z. B. 01.02.01."), code="format"
        )
    if int(match.group(1)) not in PRODUCT_AREAS:
        raise ValidationError(
            _("Der Produktbereich %(area)s gibt es nicht: erlaubt sind 01 bis 17."),
            code="area",
            params={"area": match.group(1)},
        )


def validate_pay_grade(value: str) -> None:
    """A pay grade such as ``EG 11`` (TVöD), ``S 12`` (Sozial- und Erziehungsdienst) or ``A 13``."""
    if not PAY_GRADE_PATTERN.match(value or ""):
        raise ValidationError(
            _("Bitte geben Sie die Entgelt- oder Besoldungsgruppe wie „EG 11“ oder „A 13“ an."),
            code="pay_grade",
        )
