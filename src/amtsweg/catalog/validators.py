"""Validation of catalogue identifiers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LEIKA_PATTERN = re.compile(r"99[0-9]{12}")


def normalize_leika_key(raw: str) -> str:
    """Remove the spaces and dots people type into keys ("99 050 012 104 000")."""
    return re.sub(r"[\s.\-]", "", raw or "")


def validate_leika_key(value: str) -> None:
    """A LeiKa key has 14 digits: 99 + group + identifier + Verrichtung + detail (3 digits each)."""
    if not LEIKA_PATTERN.fullmatch(value or ""):
        raise ValidationError(
            _("„%(value)s“ ist kein gültiger LeiKa-Schlüssel: erwartet werden 14 Ziffern, beginnend mit 99."),
            code="invalid_leika",
            params={"value": value},
        )


def is_valid_leika_key(value: str) -> bool:
    return bool(LEIKA_PATTERN.fullmatch(value or ""))
