"""Factories for catalogue and organisation records, and one small Kreis to test the portal against.

Services and responsibility rules are created through the domain functions (``service_create``,
``responsibility_save``) and organisation records through ``organisation_save``, so test data is
versioned and audited like real data. The facts follow DOMAIN.md; addresses are public office
addresses or plainly made up, phone numbers and e-mail addresses are fictitious.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import factory
from django.conf import settings

from amtsweg.catalog.models import (
    Lebenslage,
    MaturityLevel,
    MaturityModel,
    OzgLeistung,
    Responsibility,
    Service,
    Themenfeld,
)
from amtsweg.catalog.search import index_rebuild
from amtsweg.catalog.services import responsibility_save, service_create
from amtsweg.tenants.models import Authority, Location, OpeningHours, OrgUnit, PostalCode
from amtsweg.tenants.services import organisation_save


class _SavedThroughOrganisation(factory.django.DjangoModelFactory):
    """Create organisation records the way the admin does: validated and audited."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        obj = model_class(*args, **kwargs)
        organisation_save(actor=None, obj=obj, source="test")
        return obj


class KreisFactory(_SavedThroughOrganisation):
    class Meta:
        model = Authority

    name = "Kreis Coesfeld"
    short_name = "Coesfeld (Kreis)"
    slug = "kreis-coesfeld"
    kind = Authority.Kind.KREIS
    ags = factory.LazyFunction(lambda: settings.AMTSWEG_KREIS_AGS)
    street = "Friedrich-Ebert-Straße 7"
    postcode = "48653"
    city = "Coesfeld"
    phone = "02541 00000-0"
    email = "info@kreis.example"

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        existing = model_class.objects.filter(ags=kwargs.get("ags")).first()
        return existing or super()._create(model_class, *args, **kwargs)


class MunicipalityFactory(_SavedThroughOrganisation):
    class Meta:
        model = Authority

    short_name = factory.Sequence(lambda n: f"Musterdorf {n}")
    name = factory.LazyAttribute(lambda o: f"Gemeinde {o.short_name}")
    slug = factory.Sequence(lambda n: f"musterdorf-{n}")
    kind = Authority.Kind.GEMEINDE
    ags = factory.Sequence(lambda n: f"{90000000 + n % 9999999:08d}")
    parent = factory.SubFactory(KreisFactory)
    street = "Markt 1"
    postcode = "48000"
    city = factory.SelfAttribute("short_name")


class PostalCodeFactory(_SavedThroughOrganisation):
    class Meta:
        model = PostalCode

    code = "48000"
    municipality = factory.SubFactory(MunicipalityFactory)


class LocationFactory(_SavedThroughOrganisation):
    class Meta:
        model = Location

    authority = factory.SubFactory(MunicipalityFactory)
    name = factory.LazyAttribute(lambda o: f"Rathaus {o.authority.short_name}")
    street = "Markt 1"
    postcode = "48000"
    city = factory.LazyAttribute(lambda o: o.authority.short_name)


class OpeningHoursFactory(_SavedThroughOrganisation):
    class Meta:
        model = OpeningHours

    location = factory.SubFactory(LocationFactory)
    weekday = OpeningHours.Weekday.MONDAY
    opens = dt.time(8, 0)
    closes = dt.time(12, 0)


class OrgUnitFactory(_SavedThroughOrganisation):
    class Meta:
        model = OrgUnit
        skip_postgeneration_save = True

    authority = factory.SubFactory(MunicipalityFactory)
    name = "Bürgerbüro"
    function = "buergerbuero"

    @factory.post_generation
    def locations(self, create: bool, extracted: list[Location] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.locations.set(extracted)


class ThemenfeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Themenfeld
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"TF{n:02d}")
    name = factory.Sequence(lambda n: f"Themenfeld {n}")
    slug = factory.Sequence(lambda n: f"themenfeld-{n}")


class LebenslageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lebenslage
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LL{n:02d}")
    name = factory.Sequence(lambda n: f"Lebenslage {n}")
    slug = factory.Sequence(lambda n: f"lebenslage-{n}")
    themenfeld = factory.SubFactory(ThemenfeldFactory)


class OzgLeistungFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OzgLeistung
        django_get_or_create = ("ozg_id",)

    ozg_id = factory.Sequence(lambda n: f"{10000 + n}")
    name = factory.Sequence(lambda n: f"OZG-Leistung {n}")


class MaturityLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaturityLevel
        django_get_or_create = ("model", "level")

    model = factory.LazyFunction(lambda: MaturityModel.objects.get_or_create(name="OZG-Reifegradmodell")[0])
    level = 1
    name = "Information"


class ServiceFactory(factory.django.DjangoModelFactory):
    """A published service, created with ``service_create`` (versioned, audited, index task queued)."""

    class Meta:
        model = Service

    owner = factory.SubFactory(KreisFactory)
    name = factory.Sequence(lambda n: f"Leistung {n}")
    short_text = "Kurz erklärt: worum es geht."

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        return service_create(actor=None, data=kwargs, source="test")


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    """A responsibility rule, saved with ``responsibility_save``; ``locations=[...]`` fixes the places."""

    class Meta:
        model = Responsibility

    service = factory.SubFactory(ServiceFactory)

    @classmethod
    def _create(cls, model_class: type[Any], *args: Any, **kwargs: Any) -> Any:
        locations = kwargs.pop("locations", None)
        rule = model_class(*args, **kwargs)
        return responsibility_save(actor=None, responsibility=rule, locations=locations, source="test")


def _office(
    authority: Authority,
    *,
    name: str,
    street: str,
    postcode: str,
    city: str,
    hours: list[tuple[int, dt.time, dt.time]],
    phone: str = "",
    email: str = "",
) -> Location:
    location = LocationFactory(
        authority=authority, name=name, street=street, postcode=postcode, city=city, phone=phone, email=email
    )
    for weekday, opens, closes in hours:
        OpeningHoursFactory(location=location, weekday=weekday, opens=opens, closes=closes)
    return location


_MORNINGS = [(day, dt.time(8, 0), dt.time(12, 0)) for day in range(5)] + [
    (3, dt.time(14, 0), dt.time(17, 30))
]


@dataclass
class KreisScenario:
    """A Kreis with four municipalities and one service for every responsibility case of DOMAIN.md §1."""

    kreis: Authority
    towns: dict[str, Authority]
    services: dict[str, Service]
    lebenslage: Lebenslage
    themenfeld: Themenfeld
    locations: dict[str, Location] = field(default_factory=dict)


def kreis_scenario() -> KreisScenario:
    """Build the scenario and its search index (view tests; browser journeys without demo data)."""
    kreis = KreisFactory()
    kreis_office = _office(
        kreis,
        name="Kreishaus Coesfeld",
        street="Friedrich-Ebert-Straße 7",
        postcode="48653",
        city="Coesfeld",
        hours=_MORNINGS,
        phone="02541 00000-0",
        email="info@kreis.example",
    )
    towns: dict[str, Authority] = {}
    town_data = [
        ("Coesfeld", "coesfeld", Authority.Kind.STADT, "05558012", "48653", "Markt 8"),
        ("Dülmen", "duelmen", Authority.Kind.STADT, "05558016", "48249", "Markt 1-3"),
        ("Lüdinghausen", "luedinghausen", Authority.Kind.STADT, "05558024", "59348", "Borg 2"),
        ("Senden", "senden", Authority.Kind.GEMEINDE, "05558044", "48308", "Münsterstraße 30"),
    ]
    offices: dict[str, Location] = {"kreis": kreis_office}
    for short_name, slug, kind, ags, postcode, street in town_data:
        prefix = "Stadt" if kind == Authority.Kind.STADT else "Gemeinde"
        town = MunicipalityFactory(
            name=f"{prefix} {short_name}",
            short_name=short_name,
            slug=slug,
            kind=kind,
            ags=ags,
            parent=kreis,
            street=street,
            postcode=postcode,
            city=short_name,
        )
        PostalCodeFactory(code=postcode, municipality=town)
        towns[slug] = town
        town_hall = _office(
            town,
            name=f"Rathaus {short_name}",
            street=street,
            postcode=postcode,
            city=short_name,
            hours=_MORNINGS,
        )
        offices[slug] = town_hall
        OrgUnitFactory(authority=town, name="Bürgerbüro", function="buergerbuero", locations=[town_hall])
        OrgUnitFactory(authority=town, name="Jobcenter vor Ort", function="jobcenter", locations=[town_hall])
    # Two municipalities share one postcode: the form must ask which one is meant.
    PostalCodeFactory(code="48301", municipality=towns["senden"])
    PostalCodeFactory(code="48301", municipality=towns["duelmen"])

    for slug in ("coesfeld", "duelmen"):
        OrgUnitFactory(
            authority=towns[slug],
            number="63",
            name="Bauordnungsamt",
            function="bauaufsicht",
            phone="02594 00000-63",
            locations=[offices[slug]],
        )
    bauamt = OrgUnitFactory(
        authority=kreis,
        number="63",
        name="Bauen und Wohnen – untere Bauaufsicht",
        function="bauaufsicht",
        phone="02541 00000-63",
        email="bauaufsicht@kreis.example",
        locations=[kreis_office],
    )
    kfz_duelmen = _office(
        kreis,
        name="Straßenverkehrsamt Dülmen",
        street="Leisweg 12",
        postcode="48249",
        city="Dülmen",
        hours=[(day, dt.time(7, 30), dt.time(12, 30)) for day in range(5)],
    )
    kfz_luedinghausen = _office(
        kreis,
        name="Straßenverkehrsamt Lüdinghausen",
        street="Valve 25",
        postcode="59348",
        city="Lüdinghausen",
        hours=[(day, dt.time(7, 30), dt.time(12, 30)) for day in range(5)],
    )
    zulassung = OrgUnitFactory(
        authority=kreis,
        number="36.02",
        name="Zulassungsstelle",
        function="zulassung",
        locations=[kfz_duelmen, kfz_luedinghausen],
    )
    jobcenter = OrgUnitFactory(authority=kreis, number="50", name="Jobcenter", function="jobcenter-kreis")

    themenfeld = ThemenfeldFactory(code="BW", name="Bauen & Wohnen", slug="bauen-wohnen")
    lebenslage = LebenslageFactory(
        code="LL-BAU",
        name="Bauen und Immobilien",
        slug="bauen-und-immobilien",
        themenfeld=themenfeld,
        description="Alles rund um den Bau eines Hauses.",
    )
    level = MaturityLevelFactory(level=2, name="Formularassistent")
    ozg = OzgLeistungFactory(ozg_id="10001", name="Baugenehmigung", themenfeld=themenfeld)

    baugenehmigung = ServiceFactory(
        owner=kreis,
        name="Baugenehmigung",
        slug="baugenehmigung",
        leika_key="99012070006001",
        ozg_leistung=ozg,
        themenfeld=themenfeld,
        lebenslagen=[lebenslage],
        keywords=["Bauantrag", "Bauschein"],
        short_text="Wer ein Haus baut, umbaut oder anders nutzt, braucht meist eine Baugenehmigung.",
        full_text=(
            "Die Bauaufsicht prüft, ob Ihr Vorhaben dem Baurecht entspricht.\n\nSie entscheidet schriftlich."
        ),
        prerequisites="Sie sind Bauherrin oder Bauherr.",
        required_documents="- Bauantrag\n- Lageplan\n- Bauzeichnungen",
        fees="Die Gebühr richtet sich nach den Baukosten.",
        deadlines="Die Genehmigung gilt drei Jahre.",
        legal_basis="§ 64 Bauordnung NRW",
        processing_time="etwa drei Monate",
        procedure="1. Antrag einreichen\n2. Prüfung durch die Bauaufsicht\n3. Bescheid",
        online_url="https://bauportal.example/antrag",
        maturity_level=level,
    )
    ResponsibilityFactory(
        service=baugenehmigung,
        authority=kreis,
        org_unit=bauamt,
        note="Bitte reichen Sie alle Unterlagen vollständig ein.",
    )
    for slug in ("coesfeld", "duelmen"):
        ResponsibilityFactory(
            service=baugenehmigung, municipality=towns[slug], org_unit_function="bauaufsicht"
        )

    kfz = ServiceFactory(
        owner=kreis,
        name="Fahrzeug zulassen",
        slug="fahrzeug-zulassen",
        keywords=["Kfz-Zulassung", "Auto anmelden"],
        themenfeld=themenfeld,
        short_text="Ein neues oder gebrauchtes Fahrzeug für den Straßenverkehr anmelden.",
    )
    ResponsibilityFactory(service=kfz, authority=kreis, org_unit=zulassung)

    buergergeld = ServiceFactory(
        owner=kreis,
        name="Bürgergeld beantragen",
        slug="buergergeld",
        keywords=["SGB II", "Jobcenter"],
        short_text="Geld zum Leben für Menschen, die arbeiten können, aber zu wenig Einkommen haben.",
    )
    ResponsibilityFactory(
        service=buergergeld,
        authority=kreis,
        org_unit=jobcenter,
        contact_in_municipality=True,
        contact_org_unit_function="jobcenter",
    )

    anmeldung = ServiceFactory(
        owner=kreis,
        name="Wohnsitz anmelden",
        slug="wohnsitz-anmelden",
        lebenslagen=[lebenslage],
        keywords=["Umzug", "Anmeldung"],
        short_text="Nach einem Umzug melden Sie Ihre neue Wohnung innerhalb von zwei Wochen an.",
    )
    ResponsibilityFactory(service=anmeldung, org_unit_function="buergerbuero")

    ohne_regel = ServiceFactory(owner=kreis, name="Fischereischein", slug="fischereischein")

    index_rebuild()
    return KreisScenario(
        kreis=kreis,
        towns=towns,
        services={
            "baugenehmigung": baugenehmigung,
            "kfz": kfz,
            "buergergeld": buergergeld,
            "anmeldung": anmeldung,
            "ohne_regel": ohne_regel,
        },
        lebenslage=lebenslage,
        themenfeld=themenfeld,
        locations={**offices, "kfz_duelmen": kfz_duelmen, "kfz_luedinghausen": kfz_luedinghausen},
    )
