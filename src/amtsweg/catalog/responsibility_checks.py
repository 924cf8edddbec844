"""Checks of a responsibility rule beyond its own fields: does it lead citizens to the right place?

A rule used to be saved for an authority that does not offer the service, without a unit and without a
location; the resolver then showed the alphabetically first location of the authority – and Dülmen
citizens with "Sperrmüll" were sent to the Kfz-Zulassungsstelle Dülmen. :func:`responsibility_check`
refuses wrong rules, whoever saves them (admin, import, demo, LeiKa defaults):

* a fixed responsible authority **offers the service**: the authority that owns the service, or – for a
  service of the Kreis – one of its towns;
* a unit named by its task (``org_unit_function``) exists in the responsible authority (for a
  town-specific rule without fixed authority: in that town);
* every **location** belongs to the responsible authority and, when the unit has locations of its own, to
  that unit.

A rule may name no unit (the default rules from the LeiKa type do so); citizens then see the authority's
seat (:func:`amtsweg.catalog.selectors.responsibility_resolve`), and the preview in the admin says so.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from amtsweg.catalog.models import Responsibility
from amtsweg.tenants.models import Authority, Location, OrgUnit


def _unit(authority: Authority, function: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(authority=authority, function=function).first() if function else None


def responsibility_problems(rule: Responsibility, locations: list[Location]) -> dict[str, list[str]]:
    """The German problems of ``rule`` with the places ``locations``, by form field ("" for the whole)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    service: Any = rule.service
    owner: Authority = service.owner
    authority: Authority | None = rule.authority
    # 1. a fixed authority must offer the service ("own town" is each town for itself)
    if authority is not None:
        offers = authority.pk == owner.pk or (
            owner.kind == Authority.Kind.KREIS and authority.parent_id == owner.pk
        )
        if not offers:
            add(
                "authority",
                _("„%(authority)s“ bietet die Leistung „%(service)s“ nicht an; sie gehört %(owner)s.")
                % {"authority": authority.name, "service": service.name, "owner": owner.name},
            )
    # 2. a unit named by its task must exist where the rule looks for it
    unit: OrgUnit | None = rule.org_unit
    if authority is not None and unit is None and rule.org_unit_function:
        unit = _unit(authority, rule.org_unit_function)
        if unit is None:
            add(
                "org_unit_function",
                _("%(authority)s hat keine Stelle mit der Aufgabe „%(function)s“.")
                % {"authority": authority.name, "function": rule.org_unit_function},
            )
    if authority is None:
        town = rule.municipality
        if town is not None and rule.org_unit_function and _unit(town, rule.org_unit_function) is None:
            add(
                "org_unit_function",
                _("%(town)s hat keine Stelle mit der Aufgabe „%(function)s“.")
                % {"town": town.name, "function": rule.org_unit_function},
            )
        if locations:
            add(
                "locations",
                _(
                    "Standorte lassen sich nur bei einer festen zuständigen Behörde angeben; sonst "
                    "gelten die Standorte der Stelle in der jeweiligen Gemeinde."
                ),
            )
    # 3. the locations belong to the responsible unit
    if authority is not None:
        unit_locations = set(unit.locations.values_list("pk", flat=True)) if unit is not None else set()
        for location in locations:
            if location.authority_id != authority.pk:
                add(
                    "locations",
                    _("Der Standort „%(location)s“ gehört nicht zu %(authority)s.")
                    % {"location": location.name, "authority": authority.name},
                )
            elif unit is not None and unit_locations and location.pk not in unit_locations:
                add(
                    "locations",
                    _("Der Standort „%(location)s“ gehört nicht zur zuständigen Stelle „%(unit)s“.")
                    % {"location": location.name, "unit": unit.name},
                )
    return problems


def responsibility_check(rule: Responsibility, locations: list[Location]) -> None:
    """Raise a :class:`ValidationError` (by field) when the rule would send citizens to the wrong place."""
    problems = responsibility_problems(rule, locations)
    if problems:
        raise ValidationError(problems)
