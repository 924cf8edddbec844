"""Default responsibility rules from the LeiKa Typisierung, and the report of services nobody serves.

The LeiKa type of a service says which level of government regulates it and which executes it
(docs/decisions/0015-responsibility-from-leika-type.md):

* Typ 1 – the Bund regulates and executes: nobody in the Kreis is responsible;
* Typ 2 and 3 (often "2/3") – the Bund regulates, the Land or the Kommunen execute;
* Typ 4 – the Land regulates, the Land or the Kommunen execute;
* Typ 5 – the Kommunen regulate and execute.

Where a Kommune executes, the default is **the citizen's own town**: in NRW the Gemeinde is responsible
for every public task in its area unless a law names another body (§ 2 GO NRW), so the Kreis takes a
service only where the law says so – which the Fachadmin records by changing that service's rule. Where
the Land executes (Typ 2 alone), the default is the **Kreis** (the Landrat as lower state authority).
The mapping is data (``AMTSWEG_RESPONSIBILITY_LEVELS``) so that another Land can differ.

Default rules are only added where a service has none; a rule written by hand is never changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm, authorities_with
from amtsweg.catalog.models import LeikaEntry, Responsibility, Service
from amtsweg.catalog.services import responsibility_save
from amtsweg.tenants.models import Authority, OrgUnit

LEVEL_BUND = "bund"
LEVEL_KREIS = "kreis"
LEVEL_GEMEINDE = "gemeinde"
LEVELS = (LEVEL_BUND, LEVEL_KREIS, LEVEL_GEMEINDE)
LEVEL_LABELS = {
    LEVEL_BUND: gettext_lazy("Bund (keine Stelle im Kreis)"),
    LEVEL_KREIS: gettext_lazy("Kreis"),
    LEVEL_GEMEINDE: gettext_lazy("eigene Stadt oder Gemeinde"),
}
SOURCE = "responsibilities-from-leika"


class LevelsInvalid(ValueError):
    """The mapping from LeiKa type to level cannot be read; the message is German."""


def parse_levels(text: str) -> dict[str, str]:
    """``"1=bund,2=kreis,2/3=gemeinde"`` → ``{"1": "bund", "2": "kreis", "2/3": "gemeinde"}``."""
    levels: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        typ, sep, level = part.partition("=")
        typ, level = typ.strip(), level.strip().lower()
        if not sep or not typ or level not in LEVELS:
            raise LevelsInvalid(
                _("„%(part)s“ ist keine gültige Zuordnung (Form: Typ=Ebene, Ebene ist %(levels)s).")
                % {"part": part.strip(), "levels": ", ".join(LEVELS)}
            )
        levels[typ] = level
    return levels


def configured_levels() -> dict[str, str]:
    return parse_levels(settings.AMTSWEG_RESPONSIBILITY_LEVELS)


def level_for(typisierung: str, levels: dict[str, str]) -> str | None:
    """The executing level of a LeiKa type such as ``"2/3"`` or ``"1, 2/3"`` (``None``: no mapping).

    A value with several types ("1, 2/3": the Bund for one variant, the Kommunen for another) takes
    the most local level among them: that is where citizens of the Kreis are served.
    """
    found = {levels.get(part.strip()) for part in typisierung.split(",") if part.strip()}
    for level in (LEVEL_GEMEINDE, LEVEL_KREIS, LEVEL_BUND):
        if level in found:
            return level
    return None


def _parent_keys(key: str) -> list[str]:
    """The key itself, then without Verrichtungsdetail, then the Leistungsobjekt alone."""
    keys = [key]
    if len(key) == 14:
        keys += [key[:11] + "000", key[:8] + "000000"]
    return list(dict.fromkeys(keys))


def leika_types(keys: Iterable[str]) -> dict[str, str]:
    """LeiKa key → Typisierung, falling back to the entry one level up when the key itself has none."""
    wanted = {key for key in keys if key}
    candidates = {parent for key in wanted for parent in _parent_keys(key)}
    known = dict(
        LeikaEntry.objects.filter(key__in=candidates)
        .exclude(typisierung="")
        .values_list("key", "typisierung")
    )
    found = {}
    for key in wanted:
        for parent in _parent_keys(key):
            if parent in known:
                found[key] = known[parent]
                break
    return found


@dataclass
class Proposal:
    service: Service
    typisierung: str
    level: str | None
    reason: str = ""


@dataclass
class DefaultsResult:
    """What :func:`responsibility_defaults_apply` did (or, in a dry run, would do)."""

    created: list[Proposal] = field(default_factory=list)
    kept: int = 0  # services that already had a default rule
    without: list[Proposal] = field(default_factory=list)  # no proposal: the reason says why
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for proposal in self.created:
            counts[proposal.level or ""] += 1
        return dict(counts)


def _proposal(service: Service, types: dict[str, str], levels: dict[str, str]) -> Proposal:
    if not service.leika_key:
        return Proposal(
            service, "", None, _("Kein LeiKa-Schlüssel: bitte die Zuständigkeit von Hand festlegen.")
        )
    typisierung = types.get(service.leika_key, "")
    if not typisierung:
        return Proposal(
            service,
            "",
            None,
            _("Der LeiKa-Schlüssel %(key)s ist nicht im importierten LeiKa-Katalog oder hat keinen Typ.")
            % {"key": service.leika_key},
        )
    level = level_for(typisierung, levels)
    if level is None:
        return Proposal(
            service,
            typisierung,
            None,
            _("Für den LeiKa-Typ „%(typ)s“ ist keine Ebene festgelegt (AMTSWEG_RESPONSIBILITY_LEVELS).")
            % {"typ": typisierung},
        )
    if level == LEVEL_BUND:
        return Proposal(
            service,
            typisierung,
            level,
            _("LeiKa-Typ %(typ)s: Der Bund führt die Leistung aus; im Kreis ist keine Stelle zuständig.")
            % {"typ": typisierung},
        )
    return Proposal(service, typisierung, level)


def editable_services(actor: Any) -> QuerySet[Service]:
    """Services whose rules ``actor`` may change (Fachadministration of their owner, or platform)."""
    scope = authorities_with(actor, Perm.CATALOG_EDIT)
    services = Service.objects.select_related("owner").order_by("name")
    return services if scope is None else services.filter(owner_id__in=scope)


def responsibility_defaults_apply(
    *,
    actor: Any,
    kreis: Authority,
    services: QuerySet[Service] | None = None,
    levels: dict[str, str] | None = None,
    dry_run: bool = False,
) -> DefaultsResult:
    """Add a default rule from the LeiKa type to every service that has none (see the module docstring).

    ``services`` defaults to all services ``actor`` may edit; each rule is saved through
    :func:`~amtsweg.catalog.services.responsibility_save` (permission, validation, audit).
    """
    levels = configured_levels() if levels is None else levels
    chosen = list((services if services is not None else editable_services(actor)).select_related("owner"))
    with_default = set(
        Responsibility.objects.filter(service__in=chosen, municipality__isnull=True).values_list(
            "service_id", flat=True
        )
    )
    types = leika_types(service.leika_key for service in chosen)
    result = DefaultsResult(dry_run=dry_run)
    with transaction.atomic():
        for service in chosen:
            if service.pk in with_default:
                result.kept += 1
                continue
            proposal = _proposal(service, types, levels)
            if proposal.level not in (LEVEL_KREIS, LEVEL_GEMEINDE):
                result.without.append(proposal)
                continue
            rule = Responsibility(
                service=service,
                municipality=None,
                authority=kreis if proposal.level == LEVEL_KREIS else None,
            )
            responsibility_save(actor=actor, responsibility=rule, source=SOURCE)
            result.created.append(proposal)
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- the report: services without a responsible office, per town ------------------------------------


@dataclass(frozen=True)
class Gap:
    """One service that a town's citizens cannot be served for, and why."""

    municipality: Authority
    service: Service
    reason: str
    hint: str = ""


@dataclass
class TownGaps:
    municipality: Authority
    gaps: list[Gap]


def responsibility_gaps(
    *, municipalities: Iterable[Authority], services: QuerySet[Service] | None = None
) -> list[TownGaps]:
    """Per town, the services for which nobody is responsible (no rule), or for which the rule names
    an office that the responsible authority does not have (no org unit with that task)."""
    towns = list(municipalities)
    chosen = list((services if services is not None else Service.objects.all()).order_by("name"))
    rules: dict[int, dict[int | None, Responsibility]] = defaultdict(dict)
    for rule in (
        Responsibility.objects.filter(service__in=chosen)
        .filter(Q(municipality__isnull=True) | Q(municipality__in=towns))
        .select_related("authority")
    ):
        rules[rule.service_id][rule.municipality_id] = rule
    units = set(OrgUnit.objects.exclude(function="").values_list("authority_id", "function"))
    types = leika_types(service.leika_key for service in chosen)
    levels = configured_levels()
    result = []
    for town in towns:
        gaps = []
        for service in chosen:
            service_rules = rules.get(service.pk, {})
            found = service_rules.get(town.pk) or service_rules.get(None)
            if found is None:
                proposal = _proposal(service, types, levels)
                hint = proposal.reason or _("Vorschlag aus dem LeiKa-Typ %(typ)s: %(level)s") % {
                    "typ": proposal.typisierung,
                    "level": LEVEL_LABELS[proposal.level or LEVEL_GEMEINDE],
                }
                gaps.append(Gap(town, service, _("Keine Zuständigkeitsregel."), hint))
                continue
            rule = found
            authority_id = rule.authority_id or town.pk
            if (
                rule.org_unit_id is None
                and rule.org_unit_function
                and (authority_id, rule.org_unit_function) not in units
            ):
                who = rule.authority.short_name if rule.authority else town.short_name
                gaps.append(
                    Gap(
                        town,
                        service,
                        _("%(who)s hat keine Stelle mit der Aufgabe „%(function)s“.")
                        % {"who": who, "function": rule.org_unit_function},
                    )
                )
                continue
            if rule.contact_in_municipality and (town.pk, rule.contact_org_unit_function) not in units:
                gaps.append(
                    Gap(
                        town,
                        service,
                        _("Die Ansprechstelle vor Ort (Aufgabe „%(function)s“) fehlt in %(town)s.")
                        % {"function": rule.contact_org_unit_function, "town": town.short_name},
                    )
                )
        result.append(TownGaps(town, gaps))
    return result
