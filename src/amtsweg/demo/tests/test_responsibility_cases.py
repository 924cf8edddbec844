"""Every responsibility case of DOMAIN.md §1, answered from the demo data as the portal answers it."""

from __future__ import annotations

import pytest

from amtsweg.catalog.models import Service
from amtsweg.catalog.selectors import ResolvedResponsibility, municipalities, responsibility_resolve
from amtsweg.tenants.models import Authority

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]

NINE_TOWNS = (
    "ascheberg",
    "billerbeck",
    "havixbeck",
    "luedinghausen",
    "nordkirchen",
    "nottuln",
    "olfen",
    "rosendahl",
    "senden",
)


def resolve(service_key: str, town_slug: str) -> ResolvedResponsibility:
    service = Service.objects.get(external_id=service_key)
    town = Authority.objects.get(slug=town_slug)
    resolved = responsibility_resolve(service, town)
    assert resolved is not None, f"Keine Zuständigkeit für {service} in {town}"
    return resolved


def test_the_kreis_has_its_eleven_municipalities() -> None:
    assert sorted(m.short_name for m in municipalities()) == [
        "Ascheberg",
        "Billerbeck",
        "Coesfeld",
        "Dülmen",
        "Havixbeck",
        "Lüdinghausen",
        "Nordkirchen",
        "Nottuln",
        "Olfen",
        "Rosendahl",
        "Senden",
    ]


def test_baugenehmigung_in_duelmen_is_the_town_of_duelmen() -> None:
    resolved = resolve("coe-baugenehmigung", "duelmen")
    assert resolved.authority.name == "Stadt Dülmen"
    assert resolved.org_unit is not None
    assert resolved.org_unit.function == "bauaufsicht"
    assert resolved.org_unit.authority == resolved.authority
    assert [loc.name for loc in resolved.locations] == ["Rathaus Dülmen"]


def test_baugenehmigung_in_senden_is_the_kreis_bauaufsicht() -> None:
    resolved = resolve("coe-baugenehmigung", "senden")
    assert resolved.authority.name == "Kreis Coesfeld"
    assert resolved.org_unit is not None
    assert resolved.org_unit.number == "63"
    assert [loc.name for loc in resolved.locations] == ["Kreishaus Coesfeld"]


@pytest.mark.parametrize("service_key", ["coe-baugenehmigung", "coe-bauvoranfrage"])
def test_bauaufsicht_is_the_kreis_for_nine_towns_and_the_town_in_coesfeld_and_duelmen(
    service_key: str,
) -> None:
    for slug in NINE_TOWNS:
        assert resolve(service_key, slug).authority.slug == "kreis-coesfeld", slug
    for slug in ("coesfeld", "duelmen"):
        assert resolve(service_key, slug).authority.slug == slug


def test_kita_platz_in_coesfeld_is_the_jugendamt_of_the_town() -> None:
    resolved = resolve("coe-kita-platz", "coesfeld")
    assert resolved.authority.name == "Stadt Coesfeld"
    assert resolved.org_unit is not None
    assert resolved.org_unit.name == "Jugendamt"
    assert resolved.org_unit.authority.slug == "coesfeld"


def test_kita_platz_in_nottuln_is_the_kreisjugendamt() -> None:
    resolved = resolve("coe-kita-platz", "nottuln")
    assert resolved.authority.name == "Kreis Coesfeld"
    assert resolved.org_unit is not None
    assert (resolved.org_unit.number, resolved.org_unit.name) == ("51", "Jugendamt")


@pytest.mark.parametrize(
    "service_key",
    [
        "coe-kita-platz",
        "coe-elternbeitraege-kita",
        "coe-hilfen-zur-erziehung",
        "coe-beistandschaft",
        "coe-unterhaltsvorschuss",
    ],
)
def test_jugendamt_services_follow_the_split(service_key: str) -> None:
    for slug in NINE_TOWNS:
        resolved = resolve(service_key, slug)
        assert resolved.authority.slug == "kreis-coesfeld", slug
        assert resolved.org_unit is not None
        assert resolved.org_unit.number == "51"
    for slug in ("coesfeld", "duelmen"):
        resolved = resolve(service_key, slug)
        assert resolved.authority.slug == slug
        assert resolved.org_unit is not None
        assert resolved.org_unit.function == "jugendamt"


@pytest.mark.parametrize(
    "service_key", ["coe-kfz-zulassung", "coe-wunschkennzeichen", "coe-ausserbetriebsetzung"]
)
def test_kfz_is_the_kreis_with_exactly_the_offices_in_duelmen_and_luedinghausen(service_key: str) -> None:
    for town in municipalities():
        resolved = resolve(service_key, town.slug)
        assert resolved.authority.name == "Kreis Coesfeld"
        assert resolved.org_unit is not None
        assert resolved.org_unit.number == "36.02"
        assert sorted((loc.name, loc.city) for loc in resolved.locations) == [
            ("Kfz-Zulassungsstelle Dülmen", "Dülmen"),
            ("Kfz-Zulassungsstelle Lüdinghausen", "Lüdinghausen"),
        ]
        assert all(loc.opening_hours.exists() for loc in resolved.locations)


def test_buergergeld_in_olfen_is_the_kreis_with_the_jobcenter_in_olfen_as_contact() -> None:
    resolved = resolve("coe-buergergeld", "olfen")
    assert resolved.authority.name == "Kreis Coesfeld"
    assert resolved.org_unit is not None
    assert resolved.org_unit.number == "50"
    assert resolved.has_local_contact
    assert resolved.contact_authority is not None
    assert resolved.contact_authority.name == "Stadt Olfen"
    assert resolved.contact_org_unit is not None
    assert resolved.contact_org_unit.function == "jobcenter"
    assert resolved.contact_org_unit.authority.slug == "olfen"
    assert [loc.name for loc in resolved.contact_locations] == ["Jobcenter Olfen"]
    assert resolved.contact_locations[0].opening_hours.exists()


def test_wohnsitz_anmelden_in_billerbeck_is_the_buergerbuero_of_billerbeck_with_opening_hours() -> None:
    resolved = resolve("coe-wohnsitz-anmelden", "billerbeck")
    assert resolved.authority.name == "Stadt Billerbeck"
    assert resolved.org_unit is not None
    assert resolved.org_unit.name == "Bürgerbüro"
    assert not resolved.has_local_contact
    [town_hall] = resolved.locations
    assert (town_hall.name, town_hall.postcode, town_hall.city) == (
        "Rathaus Billerbeck",
        "48727",
        "Billerbeck",
    )
    weekdays = {hours.weekday for hours in town_hall.opening_hours.all()}
    assert weekdays == {0, 1, 2, 3, 4}, "Montag bis Freitag geöffnet"


def test_schuelerfahrkosten_are_two_services_town_and_kreis() -> None:
    town = resolve("coe-schuelerfahrkosten-gemeinde", "rosendahl")
    assert town.authority.name == "Gemeinde Rosendahl"
    assert town.org_unit is not None
    assert town.org_unit.function == "schulverwaltung"
    kreis = resolve("coe-schuelerfahrkosten-kreis", "rosendahl")
    assert kreis.authority.name == "Kreis Coesfeld"
    assert kreis.org_unit is not None
    assert kreis.org_unit.number == "40"


def test_elterngeld_and_jagdschein_are_the_kreis_for_everybody() -> None:
    for town in municipalities():
        assert resolve("coe-elterngeld", town.slug).authority.slug == "kreis-coesfeld"
        assert resolve("coe-jagdschein", town.slug).authority.slug == "kreis-coesfeld"


def test_every_demo_service_resolves_for_every_municipality_to_an_office_with_a_place() -> None:
    towns = list(municipalities())
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    gaps = []
    for service in Service.objects.filter(external_id__startswith="coe-"):
        for town in towns:
            resolved = responsibility_resolve(service, town)
            if resolved is None or resolved.org_unit is None or not resolved.locations:
                gaps.append(f"{service.name} / {town.short_name}")
                continue
            assert resolved.authority in (town, kreis)
            assert resolved.org_unit.authority == resolved.authority
            assert all(loc.authority == resolved.authority for loc in resolved.locations)
            if resolved.has_local_contact:
                assert resolved.contact_org_unit is not None, f"{service.name} / {town.short_name}"
                assert resolved.contact_locations
    assert not gaps, "Ohne Zuständigkeit: " + ", ".join(gaps)


def test_the_demo_kreis_came_from_its_register_and_has_no_responsibility_gaps() -> None:
    from amtsweg.catalog.defaults import responsibility_gaps
    from amtsweg.core.models import AuditEntry

    # The demo goes the way of every installation: the register created the Kreis and its towns.
    created = AuditEntry.objects.filter(action="tenants.authority.created", source="amtsweg load-demo")
    assert created.count() == 12
    # Every demo service has an office in every town (the report of docs/first-run.md step 8 is empty).
    demo_services = Service.objects.filter(external_id__startswith="coe-")
    report = responsibility_gaps(municipalities=municipalities(), services=demo_services)
    assert [(t.municipality.short_name, g.service.name, g.reason) for t in report for g in t.gaps] == []
