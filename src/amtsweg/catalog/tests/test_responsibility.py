"""Responsibility rules: bad rules are rejected in German and leave nothing behind; good ones resolve.

The cases of DOMAIN.md §1 on the full Kreis Coesfeld demo are tested in
``amtsweg/demo/tests/test_responsibility_cases.py``; here a minimal Kreis with two towns suffices.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from amtsweg.catalog.models import Responsibility, Service
from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.catalog.services import responsibility_save, service_create
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority, Location, OrgUnit
from amtsweg.tenants.services import organisation_save

pytestmark = pytest.mark.django_db


@dataclass
class Kreis:
    kreis: Authority
    town: Authority
    own_office_town: Authority
    kreis_bauaufsicht: OrgUnit
    town_bauaufsicht: OrgUnit
    service: Service


def _save[T: (Authority, Location, OrgUnit)](obj: T) -> T:
    organisation_save(actor=None, obj=obj, source="test")
    return obj


def _town(kreis: Authority, slug: str, name: str, ags: str) -> Authority:
    return _save(
        Authority(name=f"Gemeinde {name}", short_name=name, slug=slug, kind="gemeinde", ags=ags, parent=kreis)
    )


@pytest.fixture
def small_kreis() -> Kreis:
    kreis = _save(
        Authority(
            name="Kreis Coesfeld",
            short_name="Kreis Coesfeld",
            slug="kreis-coesfeld",
            kind="kreis",
            ags=settings.AMTSWEG_KREIS_AGS,
        )
    )
    senden = _town(kreis, "senden", "Senden", "05558044")
    duelmen = _town(kreis, "duelmen", "Dülmen", "05558016")
    kreishaus = _save(
        Location(
            authority=kreis,
            name="Kreishaus",
            street="Friedrich-Ebert-Straße 7",
            postcode="48653",
            city="Coesfeld",
        )
    )
    rathaus = _save(
        Location(authority=duelmen, name="Rathaus Dülmen", street="Markt 1", postcode="48249", city="Dülmen")
    )
    kreis_unit = _save(OrgUnit(authority=kreis, number="63", name="Bauen", function="bauaufsicht"))
    kreis_unit.locations.set([kreishaus])
    town_unit = _save(OrgUnit(authority=duelmen, name="Bauaufsicht", function="bauaufsicht"))
    town_unit.locations.set([rathaus])
    service = service_create(
        actor=None, data={"owner": kreis, "name": "Baugenehmigung", "short_text": "Bauen."}, source="test"
    )
    return Kreis(kreis, senden, duelmen, kreis_unit, town_unit, service)


def _rejected(rule: Responsibility) -> dict[str, list[str]]:
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as excinfo:
        responsibility_save(actor=None, responsibility=rule, source="test")
    assert not Responsibility.objects.exists(), "Eine abgelehnte Regel darf nicht gespeichert werden."
    assert AuditEntry.objects.count() == audit_before
    return excinfo.value.message_dict


def test_org_unit_of_another_authority_is_rejected_in_german(small_kreis: Kreis) -> None:
    errors = _rejected(
        Responsibility(
            service=small_kreis.service, authority=small_kreis.kreis, org_unit=small_kreis.town_bauaufsicht
        )
    )
    assert errors["org_unit"] == ["Die Organisationseinheit gehört nicht zur zuständigen Behörde."]


def test_local_contact_without_its_function_is_rejected_in_german(small_kreis: Kreis) -> None:
    errors = _rejected(
        Responsibility(
            service=small_kreis.service,
            authority=small_kreis.kreis,
            org_unit=small_kreis.kreis_bauaufsicht,
            contact_in_municipality=True,
        )
    )
    assert errors["contact_org_unit_function"] == ["Bitte die Aufgabe der Ansprechstelle vor Ort angeben."]


def test_a_rule_for_the_kreis_instead_of_a_town_is_rejected(small_kreis: Kreis) -> None:
    errors = _rejected(
        Responsibility(
            service=small_kreis.service, municipality=small_kreis.kreis, org_unit_function="bauaufsicht"
        )
    )
    assert errors["municipality"] == ["Bitte wählen Sie eine Stadt oder Gemeinde aus."]


def test_a_fixed_org_unit_needs_a_fixed_authority(small_kreis: Kreis) -> None:
    errors = _rejected(Responsibility(service=small_kreis.service, org_unit=small_kreis.kreis_bauaufsicht))
    assert "Aufgabe der Stelle" in errors["org_unit"][0]


def test_a_second_rule_for_the_same_town_is_rejected(small_kreis: Kreis) -> None:
    responsibility_save(
        actor=None,
        responsibility=Responsibility(
            service=small_kreis.service,
            municipality=small_kreis.own_office_town,
            org_unit_function="bauaufsicht",
        ),
    )
    with pytest.raises(ValidationError):
        responsibility_save(
            actor=None,
            responsibility=Responsibility(
                service=small_kreis.service,
                municipality=small_kreis.own_office_town,
                org_unit_function="buergerbuero",
            ),
        )
    assert Responsibility.objects.count() == 1


def test_the_town_rule_overrides_the_general_rule(small_kreis: Kreis) -> None:
    responsibility_save(
        actor=None,
        responsibility=Responsibility(
            service=small_kreis.service, authority=small_kreis.kreis, org_unit=small_kreis.kreis_bauaufsicht
        ),
    )
    responsibility_save(
        actor=None,
        responsibility=Responsibility(
            service=small_kreis.service,
            municipality=small_kreis.own_office_town,
            org_unit_function="bauaufsicht",
        ),
    )
    general = responsibility_resolve(small_kreis.service, small_kreis.town)
    assert general is not None
    assert (general.authority, general.org_unit) == (small_kreis.kreis, small_kreis.kreis_bauaufsicht)
    assert [loc.name for loc in general.locations] == ["Kreishaus"]
    own = responsibility_resolve(small_kreis.service, small_kreis.own_office_town)
    assert own is not None
    assert (own.authority, own.org_unit) == (small_kreis.own_office_town, small_kreis.town_bauaufsicht)
    assert [loc.name for loc in own.locations] == ["Rathaus Dülmen"]


def test_without_any_rule_there_is_no_answer(small_kreis: Kreis) -> None:
    assert responsibility_resolve(small_kreis.service, small_kreis.town) is None
