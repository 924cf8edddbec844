"""Load the Kreis Coesfeld demo: organisation, reference data, catalogue, responsibilities, logins.

``load_demo`` is idempotent: it compares every record with the data and writes only what differs, so
a second run changes nothing, creates no new service versions and adds only its own summary entry to
the audit log. Every write goes through the domain function an administrator's edit would use:
``tenants.services.organisation_save`` for the organisation, ``catalog.reference.reference_data_save``
for Themenfelder and Lebenslagen, ``catalog.services`` for services and responsibility rules. Only the
maturity models (no domain function yet), the org units' location links and the demo logins
(:mod:`amtsweg.demo.logins`) are written directly; the summary audit entry of the load covers them.
"""

from __future__ import annotations

import datetime
import importlib
import json
import time
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.management import call_command
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from amtsweg.assistant.index import embedding_status
from amtsweg.assistant.management.commands import read_labelled_file
from amtsweg.assistant.models import RouterExample
from amtsweg.assistant.services import embeddings_refresh, router_live_name, router_retrain_if_due
from amtsweg.catalog.models import (
    Lebenslage,
    LeikaEntry,
    MaturityLevel,
    MaturityModel,
    Responsibility,
    SearchTerm,
    Service,
    Themenfeld,
)
from amtsweg.catalog.reference import ReferenceChanges, reference_data_save
from amtsweg.catalog.search import index_rebuild
from amtsweg.catalog.services import (
    responsibility_delete,
    responsibility_save,
    service_create,
    service_update,
)
from amtsweg.core.audit import audit_record
from amtsweg.core.importreport import ImportRejected
from amtsweg.core.text import slugify_de
from amtsweg.demo.cases import load_cases_demo
from amtsweg.demo.catalogue import SERVICES, ServiceData
from amtsweg.demo.fitconnect import fitconnect_load
from amtsweg.demo.forms import forms_load
from amtsweg.demo.letters import letter_templates_load
from amtsweg.demo.logins import DEMO_PASSWORD, demo_logins, demo_logins_ensure, demo_totp_secret
from amtsweg.demo.organisation import (
    AUTHORITIES,
    KREIS_KEY,
    KREIS_SLUG,
    AuthorityData,
    Hours,
    LocationData,
    register_file,
)
from amtsweg.demo.payments import payments_load
from amtsweg.demo.reference import LEBENSLAGEN, MATURITY_MODELS, OZG_MODEL, THEMENFELDER
from amtsweg.demo.remedies import legal_remedies_load
from amtsweg.demo.responsibilities import KREIS, RESPONSIBILITIES, RuleData
from amtsweg.demo.strategy import load_strategy_demo
from amtsweg.strategy.rollup import rollup_refresh
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode
from amtsweg.tenants.register import register_import
from amtsweg.tenants.services import organisation_delete, organisation_save

SOURCE = "amtsweg load-demo"
# ``amtsweg demo`` finds demo_logins and demo_totp_secret here, by module name (core must not import
# the demo app).
__all__ = [
    "DEMO_PASSWORD",
    "DemoRefusedError",
    "demo_logins",
    "demo_totp_secret",
    "load_demo",
    "load_demo_setting",
]


class DemoRefusedError(Exception):
    """The demo must not be loaded here (production)."""


class Output(Protocol):
    def write(self, msg: str, /) -> Any: ...


class _Stats:
    """Counts of created and changed records per kind, for the summary and the audit entry."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.changed: Counter[str] = Counter()

    def record(self, kind: str, *, created: bool) -> None:
        (self.created if created else self.changed)[kind] += 1


def load_demo(*, stdout: Output | None = None, embeddings: bool = True) -> dict[str, Any]:
    """Load (or bring up to date) the Kreis Coesfeld demo in one transaction; return counts.

    Then (``embeddings=True``) the search vectors of every published service are brought up to date,
    as the worker would after a catalogue change, so that the portal search is the evaluated hybrid
    search from the first query on, and when the catalogue or its vectors changed the repository's
    measurements are recorded for the quality page. Tests pass ``False`` unless they need them.

    Raises :class:`DemoRefusedError` in production: the demo logins have a published password.
    """
    if settings.ENVIRONMENT == "production":
        raise DemoRefusedError(
            _(
                "Die Demodaten werden in der Produktionsumgebung nicht geladen: Die Demo-Zugänge haben ein "
                "öffentlich bekanntes Passwort."
            )
        )

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    stats = _Stats()
    with transaction.atomic():
        say(_("Behörden, Organisationseinheiten und Standorte …"))
        authorities, kreis_units, kreis_locations = _load_organisation(stats)
        say(_("Themenfelder, Lebenslagen und Reifegradmodelle …"))
        themenfelder, lebenslagen, levels = _load_reference(stats)
        say(_("Leistungen …"))
        kreis = authorities[KREIS_SLUG]
        services = _load_services(stats, kreis, themenfelder, lebenslagen, levels)
        say(_("Zuständigkeiten …"))
        _load_responsibilities(stats, services, authorities, kreis_units, kreis_locations)
        say(_("Demo-Zugänge …"))
        logins = demo_logins_ensure()
        say(_("Formulare …"))
        forms = forms_load(stdout)
        say(_("Digitalisierungsstrategie …"))
        stats.created.update(load_strategy_demo())
        say(_("Rechtsbehelfe und Bescheidvorlagen …"))
        stats.created["legal_remedies"] = legal_remedies_load(list(authorities.values()))
        stats.created["letter_templates"] = letter_templates_load(kreis)
        say(_("Online-Bezahlung (Testbezahldienst) …"))
        stats.created.update(payments_load())
        say(_("Vorgänge …"))
        stats.created.update(load_cases_demo())
        say(_("FIT-Connect-Zustellpunkt …"))
        fitconnect = fitconnect_load(kreis)
        say(_("Suchindex …"))
        demo_ids = [service.pk for service in services.values()]
        indexed = SearchTerm.objects.filter(service_id__in=demo_ids).values("service_id").distinct().count()
        if stats.created["services"] or stats.changed["services"] or indexed < len(demo_ids):
            index_rebuild()
        result = {
            "authorities": len(authorities),
            "org_units": OrgUnit.objects.filter(authority__in=authorities.values()).count(),
            "locations": Location.objects.filter(authority__in=authorities.values()).count(),
            "themenfelder": len(themenfelder),
            "lebenslagen": len(lebenslagen),
            "services": len(services),
            "services_created": stats.created["services"],
            "services_changed": stats.changed["services"],
            "responsibilities": Responsibility.objects.filter(service__in=services.values()).count(),
            "responsibilities_saved": stats.created["responsibilities"] + stats.changed["responsibilities"],
            "responsibilities_deleted": stats.changed["responsibilities_deleted"],
            "organisation_saved": sum(
                stats.created[k] + stats.changed[k]
                for k in ("authorities", "postal_codes", "locations", "opening_hours", "org_units")
            ),
            "reference_saved": sum(
                stats.created[k] + stats.changed[k] for k in ("themenfelder", "lebenslagen", "maturity")
            ),
            "users_created": logins["users_created"],
            "search_terms": SearchTerm.objects.filter(service_id__in=demo_ids).count(),
            **forms,
            **fitconnect,
        }
        audit_record(
            actor=None,
            action="demo.loaded",
            obj=kreis,
            changes={"created": dict(stats.created), "changed": dict(stats.changed), **logins, **result},
            authority_id=kreis.pk,
            source=SOURCE,
        )
    # What the worker's daily "strategy.rollup" does, done here so the demo cockpit shows its figures at once.
    result["rollup_months"] = rollup_refresh()
    if embeddings:
        say(_("Vektoren für die Suche …"))
        result.update(_embeddings_refresh())
        say(_("Anliegen-Router …"))
        result.update(_router_refresh())
        if (
            result["services_created"]
            or result["services_changed"]
            or result["embeddings_computed"]
            or result["router_examples_added"]
        ):
            say(_("Messungen für die Qualitätsseite …"))
            result.update(_figures_record())
    return result


DEVSETS = Path(importlib.import_module("amtsweg.assistant").__file__ or "").parent / "devsets"
FIGURES = (
    ("search", "search-eval", "--catalogue", "demo_catalogue.jsonl", "--queries", "search_holdout.csv"),
    (
        "ask",
        "search-eval",
        "--catalogue",
        "demo_catalogue.jsonl",
        "--queries",
        "search_holdout.csv",
        "--frage",
    ),
    # The router that routes in the demo (the model the retraining activated, or the nearest-service
    # fallback if that was better), measured as the portal and the intake use it.
    (
        "router",
        "router-eval",
        "--live",
        "--test",
        "routing_holdout.csv",
        "--text-column",
        "text",
        "--label-column",
        "label",
    ),
)
ROUTER_EXAMPLES = "routing_dev.csv"
ROUTER_EXAMPLES_SOURCE = "demo"


def _router_refresh() -> dict[str, Any]:
    """The demo's labelled requests (``routing_dev.csv``, as if caseworkers had forwarded them) become
    training examples, and the worker's nightly retraining runs once: it trains a router and activates it
    only if it beats what routes now (the nearest-service fallback) on held-out examples. Idempotent."""
    texts, labels = read_labelled_file(DEVSETS / ROUTER_EXAMPLES, "text", "label")
    known = set(RouterExample.objects.filter(source=ROUTER_EXAMPLES_SOURCE).values_list("text", flat=True))
    added = RouterExample.objects.bulk_create(
        RouterExample(text=text, label=label, source=ROUTER_EXAMPLES_SOURCE)
        for text, label in zip(texts, labels, strict=True)
        if text not in known
    )
    decision = router_retrain_if_due(min_new=1, source=SOURCE).decision if added else ""
    return {
        "router_examples_added": len(added),
        "router_decision": decision,
        "router_live": router_live_name(),
    }


def _figures_record() -> dict[str, Any]:
    """Run the repository's measurements on the demo catalogue and record them for the quality page, as
    the Digitalisierungsteam would (``--record``); only after the catalogue or its vectors changed."""
    started = time.monotonic()
    figures: dict[str, Any] = {}
    for key, command, *arguments in FIGURES:
        out = StringIO()
        args = [str(DEVSETS / a) if a.endswith((".csv", ".jsonl")) else a for a in arguments]
        call_command(command, *args, "--record", stdout=out, stderr=StringIO())
        figures[key] = json.loads(out.getvalue().strip().splitlines()[-1])
    return {"figures": figures, "figures_seconds": round(time.monotonic() - started)}


def _embeddings_refresh() -> dict[str, int]:
    """What the worker's ``compute_service_embeddings`` does, done here (idempotent, fast when current)."""
    started = time.monotonic()
    computed = embeddings_refresh()
    status = embedding_status()
    return {
        "embeddings_computed": computed,
        "embeddings_current": status.current,
        "embeddings_total": status.total,
        "embeddings_seconds": round(time.monotonic() - started),
    }


def load_demo_setting() -> None:
    """Only the Kreis, its towns and the reference data (Themenfelder, Lebenslagen, maturity models) of the
    demo, without its catalogue: an installation before its operator imports a catalogue file."""
    stats = _Stats()
    with transaction.atomic():
        _load_organisation(stats)
        _load_reference(stats)


# --- generic helpers ---------------------------------------------------------------------------


def _upsert[M: models.Model](
    stats: _Stats,
    kind: str,
    model: type[M],
    lookup: dict[str, Any],
    values: dict[str, Any],
    *,
    through_organisation: bool = True,
) -> M:
    """Find by ``lookup``; create it or change only the fields that differ (validated either way)."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if obj is None:
        obj = model(**lookup, **values)
        changed = list(values)
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if not changed:
            return obj
        for name in changed:
            setattr(obj, name, values[name])
    if through_organisation:
        organisation_save(actor=None, obj=obj, changed=changed, source=SOURCE)
    else:
        obj.full_clean()
        obj.save()
    stats.record(kind, created=created)
    return obj


def _set_m2m(manager: Any, wanted: list[Any]) -> bool:
    if {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return True


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


# --- organisation ------------------------------------------------------------------------------


def _load_organisation(
    stats: _Stats,
) -> tuple[dict[str, Authority], dict[str, OrgUnit], dict[str, Location]]:
    authorities: dict[str, Authority] = {}
    kreis_units: dict[str, OrgUnit] = {}
    kreis_locations: dict[str, Location] = {}
    # The Kreis and its towns come from the municipality register, as in every installation
    # (docs/first-run.md); the demo data then adds addresses, offices and opening hours.
    registered = register_import(register_file(), kreis=KREIS_KEY, actor=None, source=SOURCE)
    if registered.report.rejected:
        raise ImportRejected(
            "; ".join(f"{item.line}: {item.reason}" for item in registered.report.rejections())
        )
    stats.created["authorities"] += registered.report.entity("Behörden").created
    stats.changed["authorities"] += registered.report.entity("Behörden").updated
    stats.created["postal_codes"] += registered.report.entity("Postleitzahlen").created
    for data in AUTHORITIES:  # the Kreis comes first: it is every town's parent
        authority = _upsert(stats, "authorities", Authority, {"ags": data.ags}, _authority_values(data))
        authorities[data.slug] = authority
        for code in data.postcodes:
            _upsert(stats, "postal_codes", PostalCode, {"code": code, "municipality": authority}, {})
        locations = {loc.key: _load_location(stats, authority, loc) for loc in data.locations}
        units: dict[str, OrgUnit] = {}
        for unit in data.org_units:
            org_unit = _upsert(
                stats,
                "org_units",
                OrgUnit,
                {"authority": authority, "function": unit.function},
                {
                    "number": unit.number,
                    "name": unit.name,
                    "email": unit.email,
                    "parent": units[unit.parent] if unit.parent else None,
                },
            )
            if _set_m2m(org_unit.locations, [locations[key] for key in unit.locations]):
                stats.record("org_units", created=False)
            units[unit.function] = org_unit
        if data.slug == KREIS_SLUG:
            kreis_units, kreis_locations = units, locations
    return authorities, kreis_units, kreis_locations


def _authority_values(data: AuthorityData) -> dict[str, Any]:
    """What the register does not hold (name, kind, AGS, parent and population come from there)."""
    return {
        "designation": data.designation,
        "street": data.street,
        "postcode": data.postcode,
        "city": data.city,
        "email": data.email,
        "phone": data.phone,
        "website": data.website,
    }


def _load_location(stats: _Stats, authority: Authority, data: LocationData) -> Location:
    location = _upsert(
        stats,
        "locations",
        Location,
        {"authority": authority, "name": data.name},
        {
            "street": data.street,
            "postcode": data.postcode,
            "city": data.city,
            "email": data.email,
            "opening_hours_note": data.opening_hours_note,
            "accessibility_note": data.accessibility_note,
        },
    )
    _load_hours(stats, location, data.hours)
    return location


def _load_hours(stats: _Stats, location: Location, hours: tuple[Hours, ...]) -> None:
    wanted = sorted((h.weekday, _time(h.opens), _time(h.closes), h.note) for h in hours)
    current = list(location.opening_hours.all())
    if sorted((h.weekday, h.opens, h.closes, h.note) for h in current) == wanted:
        return
    for row in current:
        organisation_delete(actor=None, obj=row, source=SOURCE)
    for weekday, opens, closes, note in wanted:
        row = OpeningHours(location=location, weekday=weekday, opens=opens, closes=closes, note=note)
        organisation_save(actor=None, obj=row, changed=["weekday", "opens", "closes"], source=SOURCE)
    stats.record("opening_hours", created=not current)


# --- reference data ----------------------------------------------------------------------------


def _load_reference(
    stats: _Stats,
) -> tuple[dict[str, Themenfeld], dict[str, Lebenslage], dict[int, MaturityLevel]]:
    # Existing rows (e.g. from `import-ozg-catalogue`) are kept as they are; only missing ones are added.
    themenfelder = {t.code: t for t in Themenfeld.objects.filter(code__in=THEMENFELDER)}
    new_themenfelder = [
        Themenfeld(code=code, name=name, slug=slugify_de(name))
        for code, name in THEMENFELDER.items()
        if code not in themenfelder
    ]
    themenfelder.update((t.code, t) for t in new_themenfelder)
    lebenslagen = {x.code: x for x in Lebenslage.objects.filter(code__in=[d.code for d in LEBENSLAGEN])}
    new_lebenslagen = [
        Lebenslage(
            code=data.code,
            name=data.name,
            slug=slugify_de(data.name, max_length=120),
            themenfeld=themenfelder[data.themenfeld],
            audience=data.audience,
        )
        for data in LEBENSLAGEN
        if data.code not in lebenslagen
    ]
    lebenslagen.update((x.code, x) for x in new_lebenslagen)
    if new_themenfelder or new_lebenslagen:
        reference_data_save(
            actor=None,
            changes=[
                ReferenceChanges(model=Themenfeld, create=new_themenfelder),
                ReferenceChanges(model=Lebenslage, create=new_lebenslagen),
            ],
            summary={"Themenfelder": len(new_themenfelder), "Lebenslagen": len(new_lebenslagen)},
            source=SOURCE,
        )
        stats.created["themenfelder"] += len(new_themenfelder)
        stats.created["lebenslagen"] += len(new_lebenslagen)
    ozg_levels: dict[int, MaturityLevel] = {}
    for model_data in MATURITY_MODELS:
        model = _upsert(
            stats,
            "maturity",
            MaturityModel,
            {"name": model_data.name},
            {"is_default": model_data.is_default},
            through_organisation=False,
        )
        for level in model_data.levels:
            row = _upsert(
                stats,
                "maturity",
                MaturityLevel,
                {"model": model, "level": level.level},
                {"name": level.name, "description": level.description, "is_online": level.is_online},
                through_organisation=False,
            )
            if model_data.name == OZG_MODEL:
                ozg_levels[level.level] = row
    return themenfelder, lebenslagen, ozg_levels


# --- catalogue ---------------------------------------------------------------------------------


def _service_values(
    data: ServiceData,
    kreis: Authority,
    themenfelder: dict[str, Themenfeld],
    lebenslagen: dict[str, Lebenslage],
    levels: dict[int, MaturityLevel],
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "owner": kreis,  # the Kreis maintains the shared catalogue of all its municipalities
        "name": data.name,
        "leika_key": data.leika,
        "themenfeld": themenfelder[data.themenfeld],
        "lebenslagen": [lebenslagen[code] for code in data.lebenslagen],
        "audience": data.audience,
        "short_text": data.short_text,
        "full_text": data.full_text,
        "prerequisites": data.prerequisites,
        "required_documents": data.required_documents,
        "fees": data.fees,
        "deadlines": data.deadlines,
        "legal_basis": data.legal_basis,
        "processing_time": data.processing_time,
        "procedure": data.procedure,
        "maturity_level": levels[data.maturity],
        "keywords": list(data.keywords),
        "is_published": True,
    }
    # Link the OZG-Leistung once the LeiKa catalogue has been imported; never unlink one set by hand.
    entry = (
        LeikaEntry.objects.filter(key=data.leika).select_related("ozg_leistung").first()
        if data.leika
        else None
    )
    if entry is not None and entry.ozg_leistung is not None:
        values["ozg_leistung"] = entry.ozg_leistung
    return values


def _load_services(
    stats: _Stats,
    kreis: Authority,
    themenfelder: dict[str, Themenfeld],
    lebenslagen: dict[str, Lebenslage],
    levels: dict[int, MaturityLevel],
) -> dict[str, Service]:
    services: dict[str, Service] = {}
    for data in SERVICES:
        values = _service_values(data, kreis, themenfelder, lebenslagen, levels)
        service = Service.objects.filter(external_id=data.key).first()
        if service is None:
            # No index task per service: load_demo rebuilds the index itself before it commits.
            service = service_create(
                actor=None, data={**values, "external_id": data.key}, source=SOURCE, reindex=False
            )
            stats.record("services", created=True)
        elif service_update(actor=None, service=service, data=values, source=SOURCE, reindex=False):
            service.refresh_from_db()
            stats.record("services", created=False)
        services[data.key] = service
    return services


def _load_responsibilities(
    stats: _Stats,
    services: dict[str, Service],
    authorities: dict[str, Authority],
    kreis_units: dict[str, OrgUnit],
    kreis_locations: dict[str, Location],
) -> None:
    for key, rules in RESPONSIBILITIES.items():
        service = services[key]
        keep = Q(pk__in=[])
        for rule in rules:
            municipality = authorities[rule.municipality] if rule.municipality else None
            keep |= Q(municipality=municipality) if municipality else Q(municipality__isnull=True)
            _save_rule(stats, service, municipality, rule, authorities, kreis_units, kreis_locations)
        # The data is the whole truth for demo services: rules it no longer contains are removed.
        stale = Responsibility.objects.filter(service=service).exclude(keep)
        for responsibility in stale:
            responsibility_delete(actor=None, responsibility=responsibility, source=SOURCE)
            stats.record("responsibilities_deleted", created=False)


def _save_rule(
    stats: _Stats,
    service: Service,
    municipality: Authority | None,
    rule: RuleData,
    authorities: dict[str, Authority],
    kreis_units: dict[str, OrgUnit],
    kreis_locations: dict[str, Location],
) -> None:
    values: dict[str, Any] = {
        "authority": authorities[KREIS_SLUG] if rule.authority == KREIS else None,
        "org_unit": kreis_units[rule.kreis_unit] if rule.kreis_unit else None,
        "org_unit_function": rule.org_unit_function,
        "contact_in_municipality": bool(rule.contact_function),
        "contact_org_unit_function": rule.contact_function,
        "note": rule.note,
    }
    locations = [kreis_locations[key] for key in rule.locations]
    responsibility = Responsibility.objects.filter(service=service, municipality=municipality).first()
    created = responsibility is None
    if responsibility is None:
        responsibility = Responsibility(service=service, municipality=municipality)
    elif all(getattr(responsibility, name) == value for name, value in values.items()) and {
        loc.pk for loc in responsibility.locations.all()
    } == {loc.pk for loc in locations}:
        return
    for name, value in values.items():
        setattr(responsibility, name, value)
    responsibility_save(actor=None, responsibility=responsibility, locations=locations, source=SOURCE)
    stats.record("responsibilities", created=created)
