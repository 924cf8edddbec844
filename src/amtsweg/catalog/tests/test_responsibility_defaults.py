"""Default responsibility rules from the LeiKa type, and the report of services nobody serves."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.catalog.defaults import (
    LEVEL_BUND,
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    SOURCE,
    LevelsInvalid,
    level_for,
    parse_levels,
    responsibility_defaults_apply,
    responsibility_gaps,
)
from amtsweg.catalog.models import LeikaEntry, Responsibility, Service
from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    MunicipalityFactory,
    OrgUnitFactory,
    ResponsibilityFactory,
    ServiceFactory,
)
from amtsweg.core.models import AuditEntry
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
DEFAULT = parse_levels("1=bund,2=kreis,2/3=gemeinde,3=gemeinde,4=gemeinde,5=gemeinde")


@pytest.mark.parametrize(
    ("typisierung", "level"),
    [
        ("1", LEVEL_BUND),
        ("2", LEVEL_KREIS),
        ("2/3", LEVEL_GEMEINDE),
        ("4", LEVEL_GEMEINDE),
        ("5", LEVEL_GEMEINDE),
        ("1, 2/3", LEVEL_GEMEINDE),  # one variant federal, another local: served locally
        ("1, 2", LEVEL_KREIS),
        ("6", None),
        ("", None),
    ],
)
def test_the_leika_type_gives_the_level(typisierung: str, level: str | None) -> None:
    assert level_for(typisierung, DEFAULT) == level


@given(st.text(max_size=40))
def test_reading_a_mapping_either_succeeds_or_says_why_in_german(text: str) -> None:
    try:
        levels = parse_levels(text)
    except LevelsInvalid as error:
        assert "keine gültige Zuordnung" in str(error)  # noqa: PT017 - any text either parses or is explained
    else:
        assert set(levels.values()) <= {LEVEL_BUND, LEVEL_KREIS, LEVEL_GEMEINDE}


@pytest.fixture
def kreis() -> Authority:
    return KreisFactory()


def _service(kreis: Authority, key: str, typisierung: str | None, name: str) -> Service:
    if typisierung is not None:
        LeikaEntry.objects.get_or_create(key=key, defaults={"name": name, "typisierung": typisierung})
    return ServiceFactory(owner=kreis, name=name, leika_key=key)


def test_defaults_fill_only_services_without_a_rule_and_keep_manual_ones(kreis: Authority) -> None:
    town = MunicipalityFactory(parent=kreis)
    gewerbe = _service(kreis, "99050012104000", "2/3", "Gewerbe anmelden")
    bafoeg = _service(kreis, "99022001017003", "2", "Schüler-BAföG")
    zeugnis = _service(kreis, "99049001001000", "1", "Führungszeugnis")
    manual = _service(kreis, "99108001001000", "2/3", "Bewohnerparkausweis")
    ResponsibilityFactory(service=manual, authority=kreis)  # written by hand: the Kreis

    result = responsibility_defaults_apply(actor=None, kreis=kreis)

    assert {(p.service.name, p.level) for p in result.created} == {
        ("Gewerbe anmelden", LEVEL_GEMEINDE),
        ("Schüler-BAföG", LEVEL_KREIS),
    }
    assert result.kept == 1
    assert [(p.service, p.level) for p in result.without] == [(zeugnis, LEVEL_BUND)]
    assert responsibility_resolve(gewerbe, town).authority == town  # type: ignore[union-attr]
    assert responsibility_resolve(bafoeg, town).authority == kreis  # type: ignore[union-attr]
    assert responsibility_resolve(manual, town).authority == kreis  # type: ignore[union-attr]
    assert AuditEntry.objects.filter(action="catalog.responsibility.created", source=SOURCE).count() == 2
    again = responsibility_defaults_apply(actor=None, kreis=kreis)
    assert (len(again.created), again.kept) == (0, 3)


def test_a_key_below_a_leika_object_takes_its_type_and_the_mapping_can_be_changed(kreis: Authority) -> None:
    LeikaEntry.objects.create(key="99101001000000", name="Nutzungsrecht für eine Grabstelle", typisierung="5")
    grab = ServiceFactory(owner=kreis, name="Grabstelle erwerben", leika_key="99101001107000")

    result = responsibility_defaults_apply(actor=None, kreis=kreis, levels={"5": LEVEL_KREIS}, dry_run=True)

    assert [(p.service, p.level) for p in result.created] == [(grab, LEVEL_KREIS)]
    assert not Responsibility.objects.exists()  # dry run


def test_a_fachadmin_gets_defaults_only_for_the_services_of_their_authority(kreis: Authority) -> None:
    other = KreisFactory(ags="05554000", slug="kreis-borken", name="Kreis Borken", short_name="Borken")
    ours = _service(kreis, "99050012104000", "2/3", "Gewerbe anmelden")
    theirs = _service(other, "99050012104000", "2/3", "Gewerbe anmelden (Borken)")
    fachadmin = staff_create("fachadmin", kreis, "fachadministration")

    result = responsibility_defaults_apply(actor=fachadmin, kreis=kreis)

    assert [p.service for p in result.created] == [ours]
    assert not Responsibility.objects.filter(service=theirs).exists()


def test_the_gap_report_names_missing_rules_and_missing_offices_per_town(kreis: Authority) -> None:
    ahaus = MunicipalityFactory(parent=kreis, short_name="Ahaus")
    heek = MunicipalityFactory(parent=kreis, short_name="Heek")
    OrgUnitFactory(authority=ahaus, function="jugendamt")
    OrgUnitFactory(authority=heek, function="jobcenter")
    no_rule = _service(kreis, "99049001001000", "1", "Führungszeugnis")
    kita = ServiceFactory(owner=kreis, name="Kita-Platz")
    ResponsibilityFactory(service=kita, org_unit_function="jugendamt")  # each town's own Jugendamt
    buergergeld = ServiceFactory(owner=kreis, name="Bürgergeld")
    ResponsibilityFactory(
        service=buergergeld,
        authority=kreis,
        contact_in_municipality=True,
        contact_org_unit_function="jobcenter",
    )

    report = {
        town.municipality.short_name: town.gaps for town in responsibility_gaps(municipalities=[ahaus, heek])
    }

    assert {(g.service.name, g.reason) for g in report["Ahaus"]} == {
        ("Führungszeugnis", "Keine Zuständigkeitsregel."),
        ("Bürgergeld", "Die Ansprechstelle vor Ort (Aufgabe „jobcenter“) fehlt in Ahaus."),
    }
    assert {(g.service.name, g.reason) for g in report["Heek"]} == {
        ("Führungszeugnis", "Keine Zuständigkeitsregel."),
        ("Kita-Platz", "Heek hat keine Stelle mit der Aufgabe „jugendamt“."),
    }
    hint = next(g.hint for g in report["Heek"] if g.service == no_rule)
    assert "Der Bund führt die Leistung aus" in hint
    # An override for Heek closes its gap; Ahaus keeps its own.
    ResponsibilityFactory(service=kita, municipality=heek, authority=kreis, org_unit_function="")
    report = {
        town.municipality.short_name: town.gaps for town in responsibility_gaps(municipalities=[ahaus, heek])
    }
    assert "Kita-Platz" not in {g.service.name for g in report["Heek"]}


# --- the administration ---------------------------------------------------------------------------


User = get_user_model()


def test_the_gap_page_lists_gaps_and_the_button_adds_default_rules(client: Client, kreis: Authority) -> None:
    town = MunicipalityFactory(parent=kreis, short_name="Heek", name="Gemeinde Heek")
    gewerbe = _service(kreis, "99050012104000", "2/3", "Gewerbe anmelden")
    _service(kreis, "99049001001000", "1", "Führungszeugnis")
    login_verified(client, staff_create("fachadmin", kreis, "fachadministration"))
    url = reverse("admin:catalog_responsibility_gaps")

    page = client.get(url)
    assert page.status_code == 200
    assert "Leistungen ohne zuständige Stelle je Gemeinde" in page.text
    assert "Übersicht: 2 Lücken" in page.text
    assert f"?service={gewerbe.pk}&amp;municipality={town.pk}" in page.text
    assert "Vorschlag aus dem LeiKa-Typ 2/3: eigene Stadt oder Gemeinde" in page.text
    assert "LeiKa-Typ 2: Kreis" in page.text  # the mapping in force is shown beside the button
    assert "Leistungen ohne zuständige Stelle je Gemeinde" in client.get(reverse("admin:index")).text

    response = client.post(reverse("admin:catalog_responsibility_apply_defaults"), follow=True)

    assert "1 Regel aus dem LeiKa-Typ angelegt (Kreis: 0, eigene Gemeinde: 1)" in response.text
    assert "1 Leistung bekam keinen Vorschlag" in response.text
    assert "Übersicht: 1 Lücke" in response.text
    assert responsibility_resolve(gewerbe, town).authority == town  # type: ignore[union-attr]
    # The add form for an override arrives with service and town filled in.
    add = client.get(
        reverse("admin:catalog_responsibility_add"), {"service": gewerbe.pk, "municipality": town.pk}
    )
    assert f'<option value="{town.pk}" selected>' in add.text


def test_staff_without_fachadministration_do_not_see_the_gap_page(client: Client, kreis: Authority) -> None:
    login_verified(client, staff_create("sachbearbeitung", kreis, "sachbearbeitung"))
    assert client.get(reverse("admin:catalog_responsibility_gaps")).status_code == 403
    assert client.post(reverse("admin:catalog_responsibility_apply_defaults")).status_code == 403
    assert not Responsibility.objects.exists()


def test_a_towns_fachadmin_sees_the_gaps_of_their_own_town_only(client: Client, kreis: Authority) -> None:
    heek = MunicipalityFactory(parent=kreis, short_name="Heek", name="Gemeinde Heek")
    MunicipalityFactory(parent=kreis, short_name="Legden", name="Gemeinde Legden")
    ServiceFactory(owner=kreis, name="Fahrzeug zulassen")
    login_verified(client, staff_create("fachadmin-heek", heek, "fachadministration"))

    page = client.get(reverse("admin:catalog_responsibility_gaps"))

    assert "Gemeinde Heek" in page.text
    assert "Legden" not in page.text
    assert "Fahrzeug zulassen" in page.text
    # The Kreis's services are not theirs to change: no button.
    assert "Zuständigkeiten aus dem LeiKa-Typ vorschlagen" not in page.text
