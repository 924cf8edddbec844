"""Reads of the catalogue, including the central question: who is responsible for me?"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet

from amtsweg.catalog.models import Lebenslage, Responsibility, Service, Themenfeld
from amtsweg.core.memo import TTLMemo
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode


def published_services() -> QuerySet[Service]:
    return Service.objects.filter(is_published=True)


def service_for_portal(slug: str) -> Service | None:
    return (
        published_services()
        .select_related("ozg_leistung", "themenfeld", "maturity_level", "maturity_level__model", "owner")
        .prefetch_related("lebenslagen")
        .filter(slug=slug)
        .first()
    )


def kreis() -> Authority | None:
    return Authority.objects.filter(ags=settings.AMTSWEG_KREIS_AGS).first()


def municipalities() -> QuerySet[Authority]:
    """The towns and municipalities of the Kreis this installation serves."""
    return Authority.objects.filter(
        parent__ags=settings.AMTSWEG_KREIS_AGS,
        kind__in=[Authority.Kind.STADT, Authority.Kind.GEMEINDE],
    ).order_by("short_name")


def municipalities_for_postcode(code: str) -> list[Authority]:
    return [
        pc.municipality
        for pc in PostalCode.objects.filter(code=code.strip(), municipality__in=municipalities())
        .select_related("municipality")
        .order_by("municipality__short_name")
    ]


def lebenslagen_with_services() -> QuerySet[Lebenslage]:
    return (
        Lebenslage.objects.annotate(n=Count("services", filter=Q(services__is_published=True)))
        .filter(n__gt=0)
        .select_related("themenfeld")
        .order_by("name")
    )


def themenfelder_with_services() -> QuerySet[Themenfeld]:
    return (
        Themenfeld.objects.annotate(n=Count("service", filter=Q(service__is_published=True)))
        .filter(n__gt=0)
        .order_by("name")
    )


_LOCATION_PREFETCH = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens"))


@dataclass
class ResolvedResponsibility:
    """The answer to "Wer ist für mich zuständig?" for one (service, municipality) pair."""

    service: Service
    municipality: Authority
    authority: Authority
    org_unit: OrgUnit | None
    locations: list[Location]
    contact_authority: Authority | None = None
    contact_org_unit: OrgUnit | None = None
    contact_locations: list[Location] = field(default_factory=list)
    note: str = ""
    rule: Responsibility | None = None

    @property
    def has_local_contact(self) -> bool:
        return self.contact_authority is not None


def _org_unit(
    authority: Authority, function: str, units: dict[tuple[int, str], OrgUnit | None]
) -> OrgUnit | None:
    """The unit of ``authority`` with ``function``, looked up once per ``units`` (a memo of the caller)."""
    if not function:
        return None
    if (authority.pk, function) not in units:
        units[(authority.pk, function)] = OrgUnit.objects.filter(
            authority=authority, function=function
        ).first()
    return units[(authority.pk, function)]


def _locations_for(
    authority: Authority, org_unit: OrgUnit | None, explicit: list[Location]
) -> list[Location]:
    if explicit:
        return explicit
    if org_unit is not None:
        found = list(org_unit.locations.prefetch_related(_LOCATION_PREFETCH).order_by("name"))
        if found:
            return found
    # No unit named: the authority's seat (the location at its own address), never just any office of it.
    places = list(authority.locations.prefetch_related(_LOCATION_PREFETCH).order_by("name"))
    seat = [
        place
        for place in places
        if authority.street and place.street == authority.street and place.postcode == authority.postcode
    ]
    if seat:
        return seat[:1]
    # Else the main building: the location most of its units work in (not the one special office).
    main = (
        authority.locations.annotate(units=Count("org_units"))
        .prefetch_related(_LOCATION_PREFETCH)
        .order_by("-units", "name")
        .first()
    )
    return [main] if main is not None else []


def responsibility_resolve(service: Service, municipality: Authority) -> ResolvedResponsibility | None:
    """Apply the rules of ``service`` to ``municipality``: its own rule first, else the general one."""
    return _resolve_many([service], municipality)[service.pk]


def _resolve_many(
    services: list[Service], municipality: Authority
) -> dict[int, ResolvedResponsibility | None]:
    """:func:`responsibility_resolve` for several services with one read of their rules and places, and
    each office (authority and function) looked up once."""
    rules: dict[int, dict[int | None, Responsibility]] = {}
    for stored in (
        Responsibility.objects.filter(service__in=[service.pk for service in services])
        .filter(Q(municipality=municipality) | Q(municipality__isnull=True))
        .select_related("authority", "org_unit")
        .prefetch_related(
            Prefetch(
                "locations",
                queryset=Location.objects.prefetch_related(_LOCATION_PREFETCH).order_by("city", "name"),
            )
        )
    ):
        rules.setdefault(stored.service_id, {})[stored.municipality_id] = stored
    units: dict[tuple[int, str], OrgUnit | None] = {}
    resolved: dict[int, ResolvedResponsibility | None] = {}
    for service in services:
        found = rules.get(service.pk, {})
        rule = found.get(municipality.pk) or found.get(None)
        resolved[service.pk] = (
            None
            if rule is None
            else resolve_with_rule(service, municipality, rule, list(rule.locations.all()), units=units)
        )
    return resolved


# Resolved responsibilities per (catalogue version, service, town): the search shows the office of its top
# hits on every new query, and the same few pairs come back again and again. Every change of a rule, an
# office, a place or its opening hours makes a new catalogue version (decision 0021), so an entry is never
# stale; no time limit is needed.
_resolved: TTLMemo[ResolvedResponsibility | None] = TTLMemo(
    "Zuständigkeit je Katalogstand", seconds=float("inf"), max_entries=5_000
)


def responsibilities_resolve(
    services: list[Service], municipality: Authority
) -> dict[int, ResolvedResponsibility | None]:
    """:func:`responsibility_resolve` for several services, reused in this process while the catalogue
    is unchanged: one read of the catalogue version when every pair was resolved before, else one
    resolution of all pairs not seen yet."""
    from amtsweg.catalog.pagecache import catalogue_version

    token = catalogue_version().token
    result: dict[int, ResolvedResponsibility | None] = {}
    missing: list[Service] = []
    for service in services:
        known, value = _resolved.lookup((token, service.pk, municipality.pk))
        if known:
            result[service.pk] = value
        else:
            missing.append(service)
    if missing:
        for pk, value in _resolve_many(missing, municipality).items():
            _resolved.store((token, pk, municipality.pk), value)
            result[pk] = value
    return {service.pk: result[service.pk] for service in services}


def resolve_with_rule(
    service: Service,
    municipality: Authority,
    rule: Responsibility,
    explicit: list[Location],
    *,
    units: dict[tuple[int, str], OrgUnit | None] | None = None,
) -> ResolvedResponsibility:
    """What ``rule`` (saved or not) with the places ``explicit`` tells a citizen of ``municipality``.

    ``units`` keeps the offices looked up by (authority, function) across several calls."""
    units = {} if units is None else units
    authority = rule.authority or municipality
    org_unit = rule.org_unit or _org_unit(authority, rule.org_unit_function, units)
    result = ResolvedResponsibility(
        service=service,
        municipality=municipality,
        authority=authority,
        org_unit=org_unit,
        locations=_locations_for(authority, org_unit, explicit),
        note=rule.note,
        rule=rule if rule.pk else None,
    )
    if rule.contact_in_municipality:
        contact_unit = _org_unit(municipality, rule.contact_org_unit_function, units)
        result.contact_authority = municipality
        result.contact_org_unit = contact_unit
        result.contact_locations = _locations_for(municipality, contact_unit, [])
    return result


@dataclass
class PreviewRow:
    """One town in the preview of a rule: what its citizens see, and from which rule."""

    municipality: Authority
    resolved: ResolvedResponsibility | None
    source: str  # "this", "other" (the town's own rule or the general one), "none"
    problem: str = ""


def responsibility_preview(rule: Responsibility, locations: list[Location]) -> list[PreviewRow]:
    """For every town of the Kreis: what a citizen would see once ``rule`` is saved (before saving)."""
    from django.utils.translation import gettext as _

    service = rule.service
    others = {
        other.municipality_id: other
        for other in Responsibility.objects.filter(service=service)
        .exclude(pk=rule.pk)
        .select_related("authority", "org_unit")
    }
    rows = []
    for town in municipalities():
        if rule.municipality_id == town.pk or (rule.municipality_id is None and town.pk not in others):
            resolved = resolve_with_rule(service, town, rule, locations)
            source = "this"
        elif town.pk in others or None in others:
            chosen = others.get(town.pk) or others[None]
            explicit = list(chosen.locations.all().order_by("city", "name"))
            resolved = resolve_with_rule(service, town, chosen, explicit)
            source = "other"
        else:
            rows.append(
                PreviewRow(town, None, "none", _("Keine Regel: Bürgerinnen und Bürger finden keine Stelle."))
            )
            continue
        problem = ""
        if resolved.org_unit is None:
            problem = _("Keine Stelle angegeben: Bürgerinnen und Bürger sehen den Sitz der Behörde.")
        rows.append(PreviewRow(town, resolved, source, problem))
    return rows
