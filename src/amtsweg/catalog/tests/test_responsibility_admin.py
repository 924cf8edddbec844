"""Responsibility rules in the admin: a town's Fachadmin sees its rules, rules are checked on save, and the
page shows what citizens of each town will see before saving."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.models import Responsibility, Service
from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.catalog.services import responsibility_save
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    LocationFactory,
    MunicipalityFactory,
    OrgUnitFactory,
    ServiceFactory,
)
from amtsweg.tenants.models import Authority, Location, OrgUnit

pytestmark = pytest.mark.django_db


@dataclass
class World:
    kreis: Authority
    duelmen: Authority
    senden: Authority
    kfz_duelmen: Location
    kreishaus: Location
    rathaus_duelmen: Location
    zulassung: OrgUnit
    kreis_jugendamt: OrgUnit
    duelmen_jugendamt: OrgUnit
    jugend: Service
    sperrmuell: Service


@pytest.fixture
def world() -> World:
    kreis = KreisFactory()
    duelmen = MunicipalityFactory(short_name="Dülmen", name="Stadt Dülmen", slug="duelmen", parent=kreis)
    senden = MunicipalityFactory(short_name="Senden", name="Gemeinde Senden", slug="senden", parent=kreis)
    kfz = LocationFactory(authority=kreis, name="Kfz-Zulassungsstelle Dülmen", city="Dülmen")
    kreishaus = LocationFactory(
        authority=kreis,
        name="Kreishaus Coesfeld",
        street=kreis.street,
        postcode=kreis.postcode,
        city="Coesfeld",
    )
    rathaus = LocationFactory(authority=duelmen, name="Rathaus Dülmen", city="Dülmen")
    LocationFactory(authority=senden, name="Rathaus Senden", city="Senden")
    zulassung = OrgUnitFactory(authority=kreis, name="Zulassungen", function="zulassung", locations=[kfz])
    kreis_jugend = OrgUnitFactory(
        authority=kreis, name="Jugendamt", function="jugendamt", locations=[kreishaus]
    )
    duelmen_jugend = OrgUnitFactory(
        authority=duelmen, name="Jugendamt", function="jugendamt", locations=[rathaus]
    )
    OrgUnitFactory(authority=duelmen, name="Entsorgung", function="entsorgung", locations=[rathaus])
    jugend = ServiceFactory(owner=kreis, name="Kita-Platz")
    responsibility_save(
        actor=None, responsibility=Responsibility(service=jugend, authority=kreis, org_unit=kreis_jugend)
    )
    responsibility_save(
        actor=None,
        responsibility=Responsibility(service=jugend, municipality=duelmen, org_unit_function="jugendamt"),
    )
    sperrmuell = ServiceFactory(owner=duelmen, name="Sperrmüll")
    return World(
        kreis,
        duelmen,
        senden,
        kfz,
        kreishaus,
        rathaus,
        zulassung,
        kreis_jugend,
        duelmen_jugend,
        jugend,
        sperrmuell,
    )


def _fachadmin(client: Client, authority: Authority, name: str) -> Client:
    return login_verified(client, staff_create(name, authority, "fachadministration"))


def _data(rule: dict[str, Any]) -> dict[str, Any]:
    base = {
        "service": "",
        "municipality": "",
        "authority": "",
        "org_unit": "",
        "org_unit_function": "",
        "contact_org_unit_function": "",
        "note": "",
    }
    return {
        **base,
        **{k: v for k, v in rule.items() if k != "locations"},
        "locations": rule.get("locations", []),
    }


def test_the_fachadmin_of_duelmen_sees_and_edits_the_rules_for_duelmen(client: Client, world: World) -> None:
    """Was a bug: 0 rules listed, because only rules of Dülmen's own services counted."""
    _fachadmin(client, world.duelmen, "fachadmin-duelmen")
    listing = client.get(reverse("admin:catalog_responsibility_changelist"))
    rules = set(listing.context["cl"].queryset)
    own_town = Responsibility.objects.get(service=world.jugend, municipality=world.duelmen)
    general = Responsibility.objects.get(service=world.jugend, municipality__isnull=True)
    assert own_town in rules
    assert general in rules  # the Kreis's general rule applies to Dülmen too: shown
    # the town's own rule is editable, the Kreis's general rule only readable
    change = client.get(reverse("admin:catalog_responsibility_change", args=[own_town.pk]))
    assert change.status_code == 200
    assert 'name="_save"' in change.text
    readonly = client.get(reverse("admin:catalog_responsibility_change", args=[general.pk]))
    assert readonly.status_code == 200
    assert 'name="_save"' not in readonly.text
    # the Fachadmin of Senden does not see Dülmen's own rule
    other = Client()
    _fachadmin(other, world.senden, "fachadmin-senden")
    assert own_town not in set(
        other.get(reverse("admin:catalog_responsibility_changelist")).context["cl"].queryset
    )


def test_sperrmuell_no_longer_sends_duelmen_citizens_to_the_kfz_office(world: World) -> None:
    """Was a bug: a rule without unit and location showed the first location of the authority by name –
    the Kfz-Zulassungsstelle Dülmen. Now a rule for an authority that does not offer the service is refused,
    and a rule without a unit leads to the authority's seat."""
    with pytest.raises(ValidationError) as refused:
        responsibility_save(
            actor=None, responsibility=Responsibility(service=world.sperrmuell, authority=world.kreis)
        )
    assert "„Kreis Coesfeld“ bietet die Leistung „Sperrmüll“ nicht an" in str(refused.value)
    assert not Responsibility.objects.filter(service=world.sperrmuell).exists()

    kreis_service = ServiceFactory(owner=world.kreis, name="Sperrmüll (Kreis)")
    responsibility_save(
        actor=None, responsibility=Responsibility(service=kreis_service, authority=world.kreis)
    )
    resolved = responsibility_resolve(kreis_service, world.duelmen)
    assert resolved is not None
    assert [location.name for location in resolved.locations] == ["Kreishaus Coesfeld"]


def test_a_location_must_belong_to_the_responsible_unit(world: World) -> None:
    service = ServiceFactory(owner=world.kreis, name="Beistandschaft")
    with pytest.raises(ValidationError) as refused:
        responsibility_save(
            actor=None,
            responsibility=Responsibility(
                service=service, authority=world.kreis, org_unit=world.kreis_jugendamt
            ),
            locations=[world.kfz_duelmen],
        )
    assert "gehört nicht zur zuständigen Stelle „Jugendamt“" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        responsibility_save(
            actor=None,
            responsibility=Responsibility(
                service=service, authority=world.kreis, org_unit=world.kreis_jugendamt
            ),
            locations=[world.rathaus_duelmen],
        )
    assert "gehört nicht zu Kreis Coesfeld" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        responsibility_save(
            actor=None,
            responsibility=Responsibility(
                service=service, authority=world.kreis, org_unit_function="gibtsnicht"
            ),
        )
    assert "keine Stelle mit der Aufgabe „gibtsnicht“" in str(refused.value)


def test_the_admin_form_says_what_is_wrong_and_saves_nothing(client: Client, world: World) -> None:
    _fachadmin(client, world.duelmen, "fachadmin-duelmen")
    response = client.post(
        reverse("admin:catalog_responsibility_add"),
        _data({"service": world.sperrmuell.pk, "authority": world.kreis.pk}),
    )
    assert response.status_code == 400
    assert "bietet die Leistung „Sperrmüll“ nicht an" in response.text
    assert not Responsibility.objects.filter(service=world.sperrmuell).exists()
    saved = client.post(
        reverse("admin:catalog_responsibility_add"),
        _data(
            {"service": world.sperrmuell.pk, "authority": world.duelmen.pk, "org_unit_function": "entsorgung"}
        ),
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    resolved = responsibility_resolve(world.sperrmuell, world.duelmen)
    assert resolved is not None
    assert [location.name for location in resolved.locations] == ["Rathaus Dülmen"]


def test_the_preview_shows_each_town_before_saving(client: Client, world: World) -> None:
    _fachadmin(client, world.kreis, "fachadmin-kreis")
    service = ServiceFactory(owner=world.kreis, name="Kfz-Zulassung")
    data = _data(
        {
            "service": service.pk,
            "authority": world.kreis.pk,
            "org_unit": world.zulassung.pk,
            "locations": [world.kfz_duelmen.pk],
            "_vorschau": "1",
        }
    )
    response = client.post(reverse("admin:catalog_responsibility_add"), data)
    assert response.status_code == 200
    assert "Was Bürgerinnen und Bürger jeder Gemeinde sehen" in response.text
    assert "Vorschau – noch nicht gespeichert." in response.text
    rows = {row.municipality.short_name: row for row in response.context["preview_rows"]}
    assert set(rows) == {"Dülmen", "Senden"}
    assert [loc.name for loc in rows["Senden"].resolved.locations] == ["Kfz-Zulassungsstelle Dülmen"]
    assert rows["Senden"].resolved.org_unit == world.zulassung
    assert not Responsibility.objects.filter(service=service).exists()  # nothing saved

    # The Kita rule: Dülmen has its own rule, so the preview of the general rule names "andere Regel" there.
    general = Responsibility.objects.get(service=world.jugend, municipality__isnull=True)
    page = client.get(reverse("admin:catalog_responsibility_change", args=[general.pk]))
    rows = {row.municipality.short_name: row for row in page.context["preview_rows"]}
    assert rows["Dülmen"].source == "other"
    assert rows["Dülmen"].resolved.org_unit == world.duelmen_jugendamt
    assert rows["Senden"].source == "this"
    assert rows["Senden"].resolved.authority == world.kreis
