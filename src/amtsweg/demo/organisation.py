"""The Kreis Coesfeld and its 11 municipalities: authorities, org units, locations, opening hours.

Facts marked (v)/(~) in ``DOMAIN.md`` §1 (AGS, kind, designation, population, Kreis org unit numbers,
Kfz offices in Dülmen and Lüdinghausen) are taken from there. Everything else is **illustrative demo
data** and says so where it is defined: street addresses of offices we could not check, opening hours,
and all contact details. E-mail addresses use the reserved ``.example`` domain (RFC 2606) so that
nothing here can reach a real mailbox; phone numbers are left empty, except the Kreis switchboard, which
comes from a block the Bundesnetzagentur keeps free for fiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KREIS_SLUG = "kreis-coesfeld"
KREIS_KEY = "05558"
# The two towns that run their own Jugendamt and their own untere Bauaufsicht (DOMAIN.md §1, (v)).
TOWNS_WITH_OWN_OFFICES = ("coesfeld", "duelmen")


@dataclass(frozen=True)
class Hours:
    """One opening-hours row: weekday 0 = Monday … 4 = Friday, times as "HH:MM"."""

    weekday: int
    opens: str
    closes: str
    note: str = ""


@dataclass(frozen=True)
class LocationData:
    key: str
    name: str
    street: str
    postcode: str
    city: str
    email: str = ""
    hours: tuple[Hours, ...] = ()
    opening_hours_note: str = ""
    accessibility_note: str = ""


@dataclass(frozen=True)
class OrgUnitData:
    function: str
    name: str
    number: str = ""
    locations: tuple[str, ...] = ()
    parent: str = ""  # function of the parent unit
    email: str = ""


@dataclass(frozen=True)
class AuthorityData:
    slug: str
    name: str
    short_name: str
    kind: str
    ags: str
    population: int
    street: str
    postcode: str
    city: str
    website: str
    designation: str = ""
    email: str = ""
    phone: str = ""  # the switchboard; "Frag den Kreis" offers it when no answer fits
    postcodes: tuple[str, ...] = ()
    locations: tuple[LocationData, ...] = ()
    org_units: tuple[OrgUnitData, ...] = field(default=())


def weekly(
    morning: tuple[str, str],
    afternoons: dict[int, tuple[str, str]],
    *,
    note: str = "",
    friday_until: str = "",
) -> tuple[Hours, ...]:
    """Monday to Friday mornings plus the given afternoons (weekday → (opens, closes))."""
    rows: list[Hours] = []
    for weekday in range(5):
        closes = friday_until if weekday == 4 and friday_until else morning[1]
        rows.append(Hours(weekday, morning[0], closes, note))
        if weekday in afternoons:
            rows.append(Hours(weekday, *afternoons[weekday], note))
    return tuple(rows)


MON, TUE, WED, THU, FRI = range(5)

# --- Kreis Coesfeld ------------------------------------------------------------------------------

KREISHAUS = LocationData(
    key="kreishaus",
    name="Kreishaus Coesfeld",
    street="Friedrich-Ebert-Straße 7",  # (v) seat of the Kreis, DOMAIN.md §1
    postcode="48653",
    city="Coesfeld",
    email="info@kreis-coesfeld.example",
    hours=weekly(("08:30", "12:00"), {THU: ("14:00", "17:30")}),
    opening_hours_note="Viele Fachdienste arbeiten mit Terminvergabe; bitte vorher einen Termin vereinbaren.",
    accessibility_note="Stufenloser Zugang, Aufzug im Gebäude.",
)

# Since 01/2023 the only Kfz offices of the Kreis (v). Street addresses: illustrative demo data.
KFZ_DUELMEN = LocationData(
    key="kfz-duelmen",
    name="Kfz-Zulassungsstelle Dülmen",
    street="Am Verkehrsamt 1",  # illustrative demo address, not checked
    postcode="48249",
    city="Dülmen",
    email="zulassung@kreis-coesfeld.example",
    hours=weekly(
        ("07:30", "12:00"), {TUE: ("13:30", "16:00"), THU: ("13:30", "17:30")}, note="nur mit Termin"
    ),
    opening_hours_note="Vorsprache nur mit Termin aus der Online-Terminvergabe des Kreises.",
)
KFZ_LUEDINGHAUSEN = LocationData(
    key="kfz-luedinghausen",
    name="Kfz-Zulassungsstelle Lüdinghausen",
    street="Am Verkehrsamt 2",  # illustrative demo address, not checked
    postcode="59348",
    city="Lüdinghausen",
    email="zulassung@kreis-coesfeld.example",
    hours=weekly(
        ("07:30", "12:00"), {TUE: ("13:30", "16:00"), THU: ("13:30", "17:30")}, note="nur mit Termin"
    ),
    opening_hours_note="Vorsprache nur mit Termin aus der Online-Terminvergabe des Kreises.",
)

_K = ("kreishaus",)
KREIS = AuthorityData(
    slug=KREIS_SLUG,
    name="Kreis Coesfeld",
    short_name="Kreis Coesfeld",
    kind="kreis",
    ags="05558000",
    population=222953,  # Zensus 2022
    street="Friedrich-Ebert-Straße 7",
    postcode="48653",
    city="Coesfeld",
    website="https://www.kreis-coesfeld.de",
    email="info@kreis-coesfeld.example",
    phone="0221 4710 100",  # from a block the Bundesnetzagentur keeps free for fiction: reaches nobody
    locations=(KREISHAUS, KFZ_DUELMEN, KFZ_LUEDINGHAUSEN),
    # Abteilungen with their numbers (v); the function slugs connect responsibility rules to them.
    org_units=(
        OrgUnitData("verwaltungsleitung", "Verwaltungsleitung, Büro des Landrats", "00/01", _K),
        OrgUnitData("personal-organisation", "Personal, Organisation und Digitalisierung, IT", "11", _K),
        OrgUnitData("finanzen", "Finanzen", "20", _K),
        OrgUnitData("sicherheit-ordnung", "Sicherheit und Ordnung", "32", _K),
        OrgUnitData(
            "auslaenderbehoerde", "Ausländerangelegenheiten", "32.04", _K, parent="sicherheit-ordnung"
        ),
        OrgUnitData("strassenverkehr", "Straßenverkehr", "36", _K),
        OrgUnitData(
            "zulassung",
            "Zulassungen",
            "36.02",
            ("kfz-duelmen", "kfz-luedinghausen"),
            parent="strassenverkehr",
            email="zulassung@kreis-coesfeld.example",
        ),
        OrgUnitData("fahrerlaubnis", "Fahrerlaubnisse", "36.03", _K, parent="strassenverkehr"),
        OrgUnitData("veterinaerwesen", "Veterinärwesen und Verbraucherschutz", "39", _K),
        OrgUnitData("schule-bildung", "Schule und Bildung", "40", _K),
        OrgUnitData("soziales", "Soziales (mit Jobcenter)", "50", _K),
        OrgUnitData("jugendamt", "Jugendamt", "51", _K),
        # No number of its own in DOMAIN.md; shown as part of the Jugendamt.
        OrgUnitData("elterngeld", "Elterngeldstelle", "", _K, parent="jugendamt"),
        OrgUnitData("gesundheitsamt", "Gesundheitsamt", "53", _K),
        OrgUnitData("bauaufsicht", "Bauen (untere Bauaufsicht)", "63", _K),
        OrgUnitData("umwelt", "Umwelt", "70", _K),
    ),
)


# --- The 11 municipalities -----------------------------------------------------------------------


def _town_units(slug: str, *, own_offices: bool) -> tuple[OrgUnitData, ...]:
    rathaus = (f"rathaus-{slug}",)
    mail = f"{{}}@{slug}.example"
    units = [
        OrgUnitData("buergerbuero", "Bürgerbüro", locations=rathaus, email=mail.format("buergerbuero")),
        OrgUnitData("standesamt", "Standesamt", locations=rathaus, email=mail.format("standesamt")),
        OrgUnitData("ordnungsamt", "Ordnungsamt", locations=rathaus, email=mail.format("ordnungsamt")),
        OrgUnitData("steueramt", "Steueramt", locations=rathaus, email=mail.format("steuern")),
        OrgUnitData(
            "wohngeld", "Sozialamt und Wohngeldstelle", locations=rathaus, email=mail.format("soziales")
        ),
        OrgUnitData("schulverwaltung", "Schulverwaltung", locations=rathaus, email=mail.format("schule")),
        OrgUnitData(
            "jobcenter",
            "Jobcenter (örtliche Stelle)",
            locations=(f"jobcenter-{slug}",),
            email=mail.format("jobcenter"),
        ),
    ]
    if own_offices:
        units += [
            OrgUnitData("jugendamt", "Jugendamt", locations=rathaus, email=mail.format("jugendamt")),
            OrgUnitData("bauaufsicht", "Bauaufsicht", locations=rathaus, email=mail.format("bauaufsicht")),
        ]
    return tuple(units)


def _town(
    *,
    slug: str,
    short_name: str,
    kind: str,
    ags: str,
    population: int,
    street: str,
    postcode: str,
    website: str,
    hours: tuple[Hours, ...],
    designation: str = "",
) -> AuthorityData:
    prefix = "Stadt" if kind == "stadt" else "Gemeinde"
    rathaus = LocationData(
        key=f"rathaus-{slug}",
        name=f"Rathaus {short_name}",
        street=street,
        postcode=postcode,
        city=short_name,
        email=f"rathaus@{slug}.example",
        hours=hours,
        opening_hours_note="Für Pass- und Meldeangelegenheiten wird eine Terminvereinbarung empfohlen.",
    )
    # The local Jobcenter is shown at the town hall address: illustrative demo data.
    jobcenter = LocationData(
        key=f"jobcenter-{slug}",
        name=f"Jobcenter {short_name}",
        street=street,
        postcode=postcode,
        city=short_name,
        email=f"jobcenter@{slug}.example",
        hours=weekly(("08:30", "12:00"), {THU: ("14:00", "16:00")}),
        opening_hours_note="Termine nach Vereinbarung, auch außerhalb der Sprechzeiten.",
    )
    return AuthorityData(
        slug=slug,
        name=f"{prefix} {short_name}",
        short_name=short_name,
        kind=kind,
        designation=designation,
        ags=ags,
        population=population,
        street=street,
        postcode=postcode,
        city=short_name,
        website=website,
        email=f"info@{slug}.example",
        postcodes=(postcode,),
        locations=(rathaus, jobcenter),
        org_units=_town_units(slug, own_offices=slug in TOWNS_WITH_OWN_OFFICES),
    )


# AGS, kind and population (~) from DOMAIN.md §1. Town hall street addresses are given as publicly
# listed to our best knowledge but were not checked for this demo: treat them as illustrative.
# Opening hours are illustrative demo data throughout.
MUNICIPALITIES: tuple[AuthorityData, ...] = (
    _town(
        slug="ascheberg",
        short_name="Ascheberg",
        kind="gemeinde",
        ags="05558004",
        population=15602,
        street="Dieningstraße 7",
        postcode="59387",
        website="https://www.ascheberg.de",
        hours=weekly(("08:00", "12:00"), {TUE: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="billerbeck",
        short_name="Billerbeck",
        kind="stadt",
        ags="05558008",
        population=11945,
        street="Markt 1",
        postcode="48727",
        website="https://www.billerbeck.de",
        hours=weekly(("08:30", "12:30"), {THU: ("14:00", "17:30")}),
    ),
    _town(
        slug="coesfeld",
        short_name="Coesfeld",
        kind="stadt",
        designation="Kreisstadt, mittlere kreisangehörige Stadt",
        ags="05558012",
        population=36382,
        street="Markt 8",
        postcode="48653",
        website="https://www.coesfeld.de",
        hours=weekly(("08:00", "12:30"), {MON: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="duelmen",
        short_name="Dülmen",
        kind="stadt",
        designation="Mittlere kreisangehörige Stadt",
        ags="05558016",
        population=46877,
        street="Markt 1–3",
        postcode="48249",
        website="https://www.duelmen.de",
        hours=weekly(("08:00", "12:30"), {TUE: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="havixbeck",
        short_name="Havixbeck",
        kind="gemeinde",
        ags="05558020",
        population=12357,
        street="Willi-Richter-Platz 1",
        postcode="48329",
        website="https://www.havixbeck.de",
        hours=weekly(("08:30", "12:00"), {TUE: ("14:00", "16:00"), THU: ("14:00", "17:30")}),
    ),
    _town(
        slug="luedinghausen",
        short_name="Lüdinghausen",
        kind="stadt",
        ags="05558024",
        population=24847,
        street="Borg 2",
        postcode="59348",
        website="https://www.luedinghausen.de",
        hours=weekly(("08:00", "12:30"), {MON: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="nordkirchen",
        short_name="Nordkirchen",
        kind="gemeinde",
        ags="05558028",
        population=10762,
        street="Bohlenstraße 2",
        postcode="59394",
        website="https://www.nordkirchen.de",
        hours=weekly(("08:30", "12:00"), {THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="nottuln",
        short_name="Nottuln",
        kind="gemeinde",
        ags="05558032",
        population=19672,
        street="Stiftsplatz 7/8",
        postcode="48301",
        website="https://www.nottuln.de",
        hours=weekly(("08:00", "12:00"), {TUE: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
    _town(
        slug="olfen",
        short_name="Olfen",
        kind="stadt",
        ags="05558036",
        population=13175,
        street="Kirchstraße 5",
        postcode="59399",
        website="https://www.olfen.de",
        hours=weekly(("08:30", "12:30"), {TUE: ("14:00", "16:00"), THU: ("14:00", "17:30")}),
    ),
    _town(
        slug="rosendahl",
        short_name="Rosendahl",
        kind="gemeinde",
        ags="05558040",
        population=11249,
        street="Hauptstraße 30",
        postcode="48720",
        website="https://www.rosendahl.de",
        hours=weekly(("08:30", "12:00"), {THU: ("14:00", "17:30")}),
    ),
    _town(
        slug="senden",
        short_name="Senden",
        kind="gemeinde",
        ags="05558044",
        population=20495,
        street="Münsterstraße 30",
        postcode="48308",
        website="https://www.senden-westfalen.de",
        hours=weekly(("08:00", "12:00"), {TUE: ("14:00", "16:00"), THU: ("14:00", "18:00")}),
    ),
)

AUTHORITIES: tuple[AuthorityData, ...] = (KREIS, *MUNICIPALITIES)


def register_file() -> Path:
    """The Kreis and its towns as a municipality register in the GV-ISys layout (public facts only).

    The demo creates them the way every installation does (``amtsweg import-municipalities``);
    this module adds what a register does not hold: addresses, offices, opening hours.
    """
    return Path(__file__).parent / "demo_data" / "gemeindeverzeichnis-kreis-coesfeld.csv"
