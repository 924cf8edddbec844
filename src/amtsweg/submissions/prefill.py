"""Start a logged-in citizen's application with what the account already knows (name, e-mail, address).

Only groups the form marks with ``prefill: konto`` are filled – the group that describes the person who
applies (``halter``, ``antragsteller``, ``sorgeberechtigte`` …; in a repeating group its first entry),
never the child, the pupil or the dog whose fields may carry the same names. Inside such a group (and its
non-repeating subgroups) a text field without a code list is filled when its key or FIM name is one of the
names below and the account has a value that fits. Everything stays editable; the citizen checks it on the
step like anything typed in. An organisation the citizen acts for ("im Namen von") gives the address
instead of the person's own.
"""

from __future__ import annotations

import re
from typing import Any

from amtsweg.core.text import fold
from amtsweg.forms.spec import FieldSpec, FormSpec, GroupSpec

# Field name (normalised: lower case, letters only) → what it is filled with.
_SOURCES = {
    "vorname": "first_name",
    "vornamen": "first_name",
    "rufname": "first_name",
    "nachname": "last_name",
    "familienname": "last_name",
    "name": "full_name",
    "email": "email",
    "emailadresse": "email",
    "strasse": "street",
    "strasseundhausnummer": "street",
    "anschrift": "street",
    "plz": "postcode",
    "postleitzahl": "postcode",
    "ort": "city",
    "wohnort": "city",
}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def _account_values(user: Any, organisation: Any = None) -> dict[str, str]:
    first = (getattr(user, "first_name", "") or "").strip()
    last = (getattr(user, "last_name", "") or "").strip()
    address = organisation if organisation is not None else user
    values = {
        "first_name": first,
        "last_name": last,
        "full_name": " ".join(part for part in (first, last) if part),
        "email": (getattr(user, "email", "") or "").strip(),
        "street": (getattr(address, "street", "") or "").strip(),
        "postcode": (getattr(address, "postcode", "") or "").strip(),
        "city": (getattr(address, "city", "") or "").strip(),
    }
    return {key: value for key, value in values.items() if value}


def _fill(group: GroupSpec, values: dict[str, str]) -> dict[str, Any]:
    filled: dict[str, Any] = {}
    for child in group.children:
        element = child.element
        if isinstance(element, GroupSpec):
            if not child.repeating and (inner := _fill(element, values)):
                filled[child.key] = inner
            continue
        if not isinstance(element, FieldSpec) or element.datatype != "text" or element.code_list:
            continue
        source = _SOURCES.get(_norm(element.key)) or _SOURCES.get(_norm(element.name))
        value = values.get(source or "", "")
        if not value:
            continue
        if element.max_length is not None and len(value) > element.max_length:
            continue  # would not fit: better empty than cut off
        filled[child.key] = value
    return filled


def account_prefill(spec: FormSpec, user: Any, organisation: Any = None) -> dict[str, Any]:
    """The answers a new draft of ``spec`` starts with for the logged-in ``user`` (may be empty)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    values = _account_values(user, organisation)
    if not values:
        return {}
    data: dict[str, Any] = {}

    def walk(group: GroupSpec, target: dict[str, Any]) -> None:
        for child in group.children:
            element = child.element
            if not isinstance(element, GroupSpec):
                continue
            if element.prefill == "konto":
                if filled := _fill(element, values):
                    # A repeating group (e.g. up to two parents): the account holder is the first entry.
                    target[child.key] = [filled] if child.repeating else filled
            elif not child.repeating:
                inner: dict[str, Any] = {}
                walk(element, inner)
                if inner:
                    target[child.key] = inner

    walk(spec.root, data)
    return data
