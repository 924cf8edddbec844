"""Who applies, and who receives the letters: the person groups of a form and what the answers say.

A form names the group that holds the **applicant** (``FormSpec.applicant_group``, in a definition file
``applicant:``) and, where letters go to someone else, the **addressee** (``addressee_group``,
``addressee:``; empty = the applicant). The Fachadmin can set both per form in the admin
(``Form.applicant_group`` / ``Form.addressee_group``), which wins over the version's definition.

Without a declaration the applicant group is guessed (:func:`guess_applicant_group`): the group filled
from the citizen's account (``prefill: konto``), else a group whose FIM name or label says it holds the
person who applies ("Angaben zur antragstellenden Person", "Antragsteller", "Betriebsinhaber" …). The
FIM importer stores that guess in the spec, so the admin shows it and the Fachadmin can change it.

:func:`person_from_data` reads name, e-mail address and postal address from one group of the answers –
in a repeating group (up to two parents) its first entry – so that the child, the pupil, the dog or the
vehicle holder with fields of the same names never become the applicant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from amtsweg.core.text import fold
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec

if TYPE_CHECKING:
    from amtsweg.forms.models import FormVersion

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Field names (folded, letters only) → what they hold. Keys and FIM names are compared, never labels
# ("Name des Hundes" is a label; its key is ``name`` only inside the dog's group, which is not searched).
_ROLES = {
    "vorname": "first",
    "vornamen": "first",
    "rufname": "first",
    "nachname": "last",
    "familienname": "last",
    "name": "full",
    "organisationsname": "organisation",
    "firmenname": "organisation",
    "firma": "organisation",
    "email": "email",
    "emailadresse": "email",
    "mail": "email",
    "strasse": "street",
    "strasseundhausnummer": "street",
    "anschrift": "street",
    "hausnummer": "house",
    "hausnummerzusatz": "house_suffix",
    "plz": "postcode",
    "postleitzahl": "postcode",
    "ort": "city",
    "wohnort": "city",
}

# Words in a group's FIM name or label that mark the person who applies, strongest first.
_APPLICANT_WORDS = (
    "antragstell",  # Antragsteller/in, antragstellende Person
    "antragsberechtigt",
    "betriebsinhaber",
    "anzeigend",  # anzeigende Person
    "meldend",
    "erklaerend",
)


@dataclass(frozen=True)
class Person:
    """What the answers say about one person (every part may be empty)."""

    name: str = ""
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""

    @property
    def address_lines(self) -> list[str]:
        """Street and town as lines of a letter's address field; empty without a street."""
        town = " ".join(part for part in (self.postcode, self.city) if part)
        return [self.street, town] if self.street and town else []


@dataclass(frozen=True)
class PersonGroups:
    applicant: str  # path of the group, "" = the whole form
    addressee: str


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def _group_paths(spec: FormSpec) -> Iterator[tuple[str, GroupSpec, int]]:
    for path, child in spec.iter_elements():
        if isinstance(child.element, GroupSpec):
            yield path, child.element, path.count(".")


def is_group_path(spec: FormSpec, path: str) -> bool:
    if not path:
        return False
    child = spec.element_at(path)
    return child is not None and isinstance(child.element, GroupSpec)


def guess_applicant_group(spec: FormSpec) -> str:
    """The path of the group that most likely holds the person who applies ("" when none says so)."""
    groups = list(_group_paths(spec))
    for path, group, _depth in groups:
        if group.prefill == "konto":
            return path
    by_depth = sorted(groups, key=lambda item: item[2])  # stable: form order within one depth
    for word in _APPLICANT_WORDS:
        for path, group, _depth in by_depth:
            if word in _norm(group.name) or word in _norm(group.label) or word in _norm(group.key):
                return path
    return ""


def person_groups(spec: FormSpec, *, applicant: str = "", addressee: str = "") -> PersonGroups:
    """The groups in effect: the given ones (the Fachadmin's choice) where they exist in ``spec``,
    else the spec's declaration, else the guess; the addressee defaults to the applicant."""
    applicant_path = next(
        (p for p in (applicant, spec.applicant_group) if is_group_path(spec, p)), None
    ) or guess_applicant_group(spec)
    addressee_path = next((p for p in (addressee, spec.addressee_group) if is_group_path(spec, p)), "")
    return PersonGroups(applicant=applicant_path, addressee=addressee_path or applicant_path)


def version_person_groups(version: FormVersion) -> PersonGroups:
    """The person groups of a stored form version, with the form's settings from the admin."""
    form = version.form
    return person_groups(version.spec(), applicant=form.applicant_group, addressee=form.addressee_group)


def _instance(spec: FormSpec, data: Any, path: str) -> Any:
    """The answers of the group at ``path`` (first entry of every repeating group on the way)."""
    value = data
    for part in path.split(".") if path else []:
        if isinstance(value, list):
            value = value[0] if value else None
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if isinstance(value, list):
        value = value[0] if value else None
    return value


def _text(value: Any) -> str:
    if isinstance(value, list):  # a field that may be given several times (FIM: "Vorname" 1:*)
        return " ".join(v.strip() for v in value if isinstance(v, str) and v.strip())
    return value.strip() if isinstance(value, str) else ""


def _collect(group: GroupSpec, instance: Any, found: dict[str, str]) -> None:
    """Fill ``found`` (role → first value) from one group instance, depth first in form order."""
    if not isinstance(instance, dict):
        return
    for child in group.children:
        element = child.element
        value = instance.get(child.key)
        if isinstance(element, GroupSpec):
            first = value[0] if isinstance(value, list) and value else value
            _collect(element, first, found)
        elif _is_text(child):
            role = _ROLES.get(_norm(element.key)) or _ROLES.get(_norm(element.name))
            text = _text(value)
            if role and text and role not in found:
                found[role] = text


def _is_text(child: ChildSpec) -> bool:
    return isinstance(child.element, FieldSpec) and child.element.datatype == "text"


def person_from_data(spec: FormSpec, data: Any, path: str) -> Person:
    """Name, e-mail and address from the group at ``path`` of the answers ("" = the whole form)."""
    group: GroupSpec = spec.root
    if path:
        child = spec.element_at(path)
        if child is None or not isinstance(child.element, GroupSpec):
            return Person()
        group = child.element
    found: dict[str, str] = {}
    _collect(group, _instance(spec, data, path), found)
    person_name = " ".join(part for part in (found.get("first", ""), found.get("last", "")) if part)
    if not found.get("last") and found.get("full"):
        person_name = found["full"] if not found.get("first") else f"{found['first']} {found['full']}"
    name = found.get("organisation") or person_name
    email = found.get("email", "")
    street = found.get("street", "")
    if street and found.get("house"):
        street = f"{street} {found['house']}{found.get('house_suffix', '')}"
    return Person(
        name=name[:300],
        email=email if _EMAIL.match(email) and len(email) <= 254 else "",
        street=street[:200],
        postcode=found.get("postcode", "")[:20],
        city=found.get("city", "")[:100],
    )


def version_applicant(version: FormVersion, data: Any) -> Person:
    """The person who applies, from answers to ``version``."""
    return person_from_data(version.spec(), data, version_person_groups(version).applicant)


def version_addressee(version: FormVersion, data: Any) -> Person:
    """The person letters go to (the applicant unless the form names another group)."""
    return person_from_data(version.spec(), data, version_person_groups(version).addressee)
