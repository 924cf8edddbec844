"""The demo catalogue is complete, correct and compatible with the OZG reference data."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from amtsweg.catalog.models import Lebenslage, LeikaEntry, Service, Themenfeld
from amtsweg.catalog.search import search_services
from amtsweg.catalog.validators import is_valid_leika_key
from amtsweg.demo.catalogue import SERVICES
from amtsweg.demo.organisation import KREIS, MUNICIPALITIES
from amtsweg.demo.reference import LEBENSLAGEN, THEMENFELDER
from amtsweg.demo.responsibilities import RESPONSIBILITIES
from amtsweg.tenants.models import Authority
from amtsweg.testing import shared_data

# Keys DOMAIN.md §1 names that the 2021 KDN list in ../shared/data does not contain yet.
LEIKA_KEYS_FROM_DOMAIN = {"99102013104000", "99107023037000", "99012070006001"}

# --- the data itself (no database) --------------------------------------------------------------


def test_every_service_has_rules_and_every_rule_a_service() -> None:
    keys = [service.key for service in SERVICES]
    assert len(keys) == len(set(keys)), "Austausch-IDs sind doppelt"
    assert set(keys) == set(RESPONSIBILITIES)


def test_rules_name_only_existing_kreis_units_and_offices() -> None:
    units = {unit.function for unit in KREIS.org_units}
    offices = {location.key for location in KREIS.locations}
    for key, rules in RESPONSIBILITIES.items():
        for rule in rules:
            assert not rule.kreis_unit or rule.kreis_unit in units, key
            assert set(rule.locations) <= offices, key


def test_each_town_has_the_offices_the_rules_ask_for() -> None:
    rules = [rule for town_rules in RESPONSIBILITIES.values() for rule in town_rules]
    for town in MUNICIPALITIES:
        functions = {unit.function for unit in town.org_units}
        needed = {
            r.org_unit_function for r in rules if r.authority is None and r.municipality in (None, town.slug)
        }
        needed |= {r.contact_function for r in rules}
        needed.discard("")
        assert needed <= functions, f"{town.short_name} fehlt: {sorted(needed - functions)}"


def test_texts_are_german_with_umlauts_not_ascii_substitutes() -> None:
    for service in SERVICES:
        text = " ".join([service.name, service.short_text, service.full_text])
        for ascii_form in ("fuer ", "muessen", "Buergerbuero", "Gebuehr", " ae", "koennen"):
            assert ascii_form not in text, f"{service.key}: „{ascii_form}“"


# --- loaded into the database --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_at_least_sixty_published_services_with_every_text() -> None:
    services = list(Service.objects.filter(external_id__startswith="coe-", is_published=True))
    assert len(services) >= 60
    for service in services:
        for field in ("short_text", "full_text", "required_documents", "fees", "legal_basis"):
            assert getattr(service, field).strip(), f"{service.name}: {field} fehlt"
        assert service.keywords, f"{service.name}: keine Suchbegriffe"
        assert service.themenfeld is not None
        assert service.lebenslagen.exists()
        assert service.maturity_level is not None
        assert service.maturity_level.model.is_default


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_leika_keys_that_are_set_are_valid() -> None:
    keys = [key for key in Service.objects.values_list("leika_key", flat=True) if key]
    assert len(keys) >= 50
    assert all(is_valid_leika_key(key) for key in keys)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_schools_and_social_services_are_covered() -> None:
    names = set(Service.objects.values_list("name", flat=True))
    for expected in (
        "Schüler-BAföG beantragen",
        "Leistungen für Bildung und Teilhabe",
        "Wohngeld beantragen",
        "Elterngeld beantragen",
        "Unterhaltsvorschuss beantragen",
        "Kita-Platz beantragen",
        "Hilfe zur Pflege beantragen",
        "Schwerbehindertenausweis beantragen",
    ):
        assert expected in names
    assert Service.objects.filter(name__startswith="Schülerfahrkosten").count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_authorities_carry_the_public_facts() -> None:
    kreis = Authority.objects.get(ags="05558000")
    assert (kreis.kind, kreis.street, kreis.postcode, kreis.population) == (
        "kreis",
        "Friedrich-Ebert-Straße 7",
        "48653",
        222953,
    )
    duelmen = Authority.objects.get(ags="05558016")
    assert (duelmen.kind, duelmen.designation, duelmen.parent) == (
        "stadt",
        "Mittlere kreisangehörige Stadt",
        kreis,
    )
    coesfeld = Authority.objects.get(slug="coesfeld")
    assert coesfeld.designation == "Kreisstadt, mittlere kreisangehörige Stadt"
    assert Authority.objects.get(slug="ascheberg").kind == "gemeinde"
    assert kreis.municipalities.count() == 11
    assert {pc.code for pc in Authority.objects.get(slug="luedinghausen").postal_codes.all()} == {"59348"}
    # Demo contact data must not reach anybody: reserved .example domain, and phone numbers only from the
    # blocks the Bundesnetzagentur keeps free for film and fiction (e.g. 0221 4710 xxx).
    fiction = ("030 23125 ", "069 90009 ", "040 66969 ", "0221 4710 ", "089 99998 ")
    for authority in Authority.objects.all():
        assert not authority.email or authority.email.endswith(".example")
        assert not authority.phone or authority.phone.startswith(fiction), authority.phone


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_demo_is_searchable_right_after_loading() -> None:
    assert search_services("Bauantrag")[0].service.name == "Baugenehmigung beantragen"
    assert search_services("Kindergartenplatz")[0].service.name == "Kita-Platz beantragen"
    assert search_services("Hartz IV")[0].service.external_id == "coe-buergergeld"


# --- compatibility with the KDN OZG reference data ------------------------------------------------


def _rows(name: str) -> list[dict[str, str]]:
    with shared_data("ozg", name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.shared_data
def test_themenfelder_and_lebenslagen_use_the_kdn_ids_and_names() -> None:
    themenfelder = {row["themenfeld_id"]: row["themenfeld"] for row in _rows("themenfelder.csv")}
    lebenslagen = {row["lebenslage_id"]: row for row in _rows("lebenslagen.csv")}
    for code, name in THEMENFELDER.items():
        assert themenfelder[code] == name
    for data in LEBENSLAGEN:
        row = lebenslagen[data.code]
        assert (row["lebenslage"], row["themenfeld_id"]) == (data.name, data.themenfeld)


@pytest.mark.shared_data
def test_leika_keys_come_from_the_kdn_list_or_domain_facts() -> None:
    known = {row["leika_schluessel"] for row in _rows("leika_leistungen.csv")} | LEIKA_KEYS_FROM_DOMAIN
    unknown = {
        service.key: service.leika for service in SERVICES if service.leika and service.leika not in known
    }
    assert not unknown


@pytest.mark.shared_data
@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_later_ozg_import_updates_instead_of_duplicating() -> None:
    call_command("import-ozg-catalogue", str(shared_data("ozg")), verbosity=0)
    assert Themenfeld.objects.count() == 14
    assert Lebenslage.objects.count() == len(_rows("lebenslagen.csv"))
    assert Lebenslage.objects.get(code="55").services.filter(external_id="coe-wohnsitz-anmelden").exists()
    assert LeikaEntry.objects.filter(key="99115005104000").exists()


# --- letters: who signs, which legal remedy ------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_demo_staff_logins_have_a_name() -> None:
    from django.contrib.auth import get_user_model

    from amtsweg.demo.logins import DEMO_LOGINS

    users = get_user_model()._default_manager.filter(username__in=[login.username for login in DEMO_LOGINS])
    assert len(users) == len(DEMO_LOGINS)
    assert [u.username for u in users if not (u.first_name and u.last_name)] == []


@pytest.mark.usefixtures("demo")
def test_every_demo_form_can_issue_a_letter_with_the_right_legal_remedy() -> None:
    from amtsweg.cases.letters import legal_remedy_lookup
    from amtsweg.cases.models import LegalRemedy
    from amtsweg.forms.models import FormVersion

    versions = FormVersion.objects.filter(status="veroeffentlicht").select_related("form__service")
    services = {v.form.service for v in versions}
    assert len(services) >= 5
    deciding = list(Authority.objects.filter(slug__in=[KREIS.slug, *(m.slug for m in MUNICIPALITIES)]))
    assert len(deciding) == 12
    missing = [
        (authority.slug, service.name if service else "ohne Leistung")
        for authority in deciding
        for service in services
        if legal_remedy_lookup(authority_id=authority.pk, service_id=service.pk if service else None) is None
    ]
    assert missing == []
    kita = Service.objects.get(external_id="coe-kita-platz")
    kreis = Authority.objects.get(slug=KREIS.slug)
    suit = legal_remedy_lookup(authority_id=kreis.pk, service_id=kita.pk)
    assert suit is not None
    assert (suit.kind, suit.body_name, suit.body_street) == (
        "klage",
        "Verwaltungsgericht Münster",
        "Piusallee 38",
    )
    but = Service.objects.get(external_id="coe-bildung-teilhabe")
    objection = legal_remedy_lookup(authority_id=kreis.pk, service_id=but.pk)
    assert objection is not None
    assert (objection.kind, objection.body_name) == (LegalRemedy.Kind.WIDERSPRUCH, "Kreis Coesfeld")
    assert objection.court_name == "Sozialgericht Münster"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_a_demo_caseworker_signs_a_kita_letter_with_name_unit_and_the_court() -> None:
    from amtsweg.cases.letters import letter_issue, letter_templates_for
    from amtsweg.cases.models import Case, Status

    case = Case.objects.filter(
        submission__form_version__form__key="kita-platz",
        status=Status.IN_PRUEFUNG,
        assignee__username="sb-jugendamt",
    ).first()
    assert case is not None
    caseworker = case.assignee
    caseworker.is_verified = lambda: True  # type: ignore[union-attr]
    templates = letter_templates_for(case, "bewilligt")
    assert [t.name for t in templates] == ["Kita-Platz: Bewilligung", "Bescheid (Standard des Kreises)"]
    letter = letter_issue(
        actor=caseworker, case=case, decision="bewilligt", reasons="Platz frei.", template=templates[0]
    )
    assert letter.subject == f"Zusage eines Betreuungsplatzes – Aktenzeichen {case.reference}"
    assert "Sabine Kötter\nJugendamt" in letter.body
    assert "sb-jugendamt" not in letter.body
    assert "Verwaltungsgericht Münster\nPiusallee 38\n48147 Münster" in letter.body


@pytest.mark.usefixtures("demo")
def test_the_steueramt_of_duelmen_has_a_demo_login_that_sees_hundesteuer_cases() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from amtsweg.access.models import RoleAssignment
    from amtsweg.access.testing import login_verified
    from amtsweg.cases.models import Case
    from amtsweg.demo.loader import demo_logins

    assert "sb-steuern-duelmen" in {user for user, _password, _role in demo_logins()}
    user = get_user_model()._default_manager.get(username="sb-steuern-duelmen")
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.role.code, assignment.org_unit.name, assignment.authority.slug) == (
        "sachbearbeitung",
        "Steueramt",
        "duelmen",
    )
    dog_cases = Case.objects.filter(service__name__icontains="Hund", org_unit=assignment.org_unit)
    assert dog_cases.exists()
    inbox = login_verified(Client(), user).get("/vorgaenge/?status=alle").text
    assert any(f">{case.reference}</a>" in inbox for case in dog_cases)
