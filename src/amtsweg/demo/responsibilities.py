"""Who serves whom: the responsibility rules of the demo catalogue (DOMAIN.md §1).

Every case of the Kreis Coesfeld is expressed as data, with four small helpers:

- :func:`each_town` – every town for itself, its office found by its task (``org_unit_function``);
- :func:`kreis` – the Kreis for all municipalities, optionally at several offices (Kfz in Dülmen and
  Lüdinghausen) or with a local contact in the citizen's town (Jobcenter);
- :func:`kreis_except_own_offices` – the Kreis for nine municipalities, while Coesfeld and Dülmen
  serve their citizens themselves (Jugendamt, Bauaufsicht).
"""

from __future__ import annotations

from dataclasses import dataclass

from amtsweg.demo.organisation import TOWNS_WITH_OWN_OFFICES

KREIS = "kreis"


@dataclass(frozen=True)
class RuleData:
    """One :class:`~amtsweg.catalog.models.Responsibility` row.

    ``municipality`` is a town slug or ``None`` (the rule for all). ``authority`` is ``"kreis"`` or
    ``None`` (the citizen's own town). Kreis org units are named by their function slug in
    ``kreis_unit``; a town's office is found at resolve time through ``org_unit_function``.
    """

    municipality: str | None = None
    authority: str | None = None
    kreis_unit: str = ""
    org_unit_function: str = ""
    locations: tuple[str, ...] = ()  # location keys of the Kreis (see organisation.py)
    contact_function: str = ""  # local contact in the citizen's town
    note: str = ""


def each_town(function: str, note: str = "") -> tuple[RuleData, ...]:
    return (RuleData(org_unit_function=function, note=note),)


def kreis(
    unit: str, *, locations: tuple[str, ...] = (), contact_function: str = "", note: str = ""
) -> tuple[RuleData, ...]:
    return (
        RuleData(
            authority=KREIS,
            kreis_unit=unit,
            locations=locations,
            contact_function=contact_function,
            note=note,
        ),
    )


def kreis_except_own_offices(function: str) -> tuple[RuleData, ...]:
    """The Kreis office for nine municipalities; Coesfeld and Dülmen through their own office.

    The Kreis unit and the towns' units share the function slug (``jugendamt``, ``bauaufsicht``).
    """
    return (
        RuleData(authority=KREIS, kreis_unit=function),
        *(RuleData(municipality=town, org_unit_function=function) for town in TOWNS_WITH_OWN_OFFICES),
    )


KFZ_OFFICES = ("kfz-duelmen", "kfz-luedinghausen")
KFZ_NOTE = "Seit Januar 2023 hat der Kreis Coesfeld Zulassungsstellen nur noch in Dülmen und Lüdinghausen."
JOBCENTER_NOTE = (
    "Der Kreis Coesfeld ist als Optionskommune selbst Träger des Bürgergelds. Ihre Ansprechstelle ist das "
    "Jobcenter in Ihrer Stadt oder Gemeinde."
)
SOCIAL_OFFICE_NOTE = (
    "Träger der Leistung ist der Kreis Coesfeld. Den Antrag nimmt das Sozialamt Ihrer Stadt oder Gemeinde "
    "entgegen; wer Bürgergeld bezieht, wendet sich an das Jobcenter."
)

RESPONSIBILITIES: dict[str, tuple[RuleData, ...]] = {
    # Each town for itself: Bürgerbüro
    "coe-wohnsitz-anmelden": each_town("buergerbuero"),
    "coe-wohnsitz-ummelden": each_town("buergerbuero"),
    "coe-wohnsitz-abmelden": each_town("buergerbuero"),
    "coe-meldebescheinigung": each_town("buergerbuero"),
    "coe-melderegisterauskunft": each_town("buergerbuero"),
    "coe-personalausweis": each_town("buergerbuero"),
    "coe-reisepass": each_town("buergerbuero"),
    "coe-fuehrungszeugnis": each_town(
        "buergerbuero", "Ausgestellt wird das Führungszeugnis vom Bundesamt für Justiz in Bonn."
    ),
    "coe-wahlschein": each_town("buergerbuero"),
    "coe-fundsachen": each_town("buergerbuero"),
    "coe-beglaubigung": each_town("buergerbuero"),
    # Each town for itself: Standesamt
    "coe-geburtsurkunde": each_town("standesamt", "Zuständig ist das Standesamt des Geburtsorts."),
    "coe-eheschliessung-anmelden": each_town("standesamt"),
    "coe-sterbeurkunde": each_town("standesamt", "Zuständig ist das Standesamt des Sterbeorts."),
    "coe-vaterschaftsanerkennung": each_town(
        "standesamt",
        "Die Anerkennung ist auch beim Jugendamt oder bei einer Notarin oder einem Notar möglich.",
    ),
    # Each town for itself: Ordnungsamt and Steueramt
    "coe-gewerbe-anmelden": each_town("ordnungsamt"),
    "coe-gewerbe-ummelden": each_town("ordnungsamt"),
    "coe-gewerbe-abmelden": each_town("ordnungsamt"),
    "coe-sondernutzung": each_town("ordnungsamt"),
    "coe-bewohnerparkausweis": each_town(
        "ordnungsamt", "Bewohnerparkausweise gibt es nur dort, wo Bewohnerparkzonen eingerichtet sind."
    ),
    "coe-fischereischein": each_town("ordnungsamt"),
    "coe-grosser-hund": each_town("ordnungsamt"),
    "coe-hundesteuer-anmelden": each_town("steueramt"),
    "coe-hundesteuer-abmelden": each_town("steueramt"),
    "coe-grundsteuer": each_town("steueramt"),
    "coe-gewerbesteuer": each_town("steueramt"),
    # Each town for itself: Wohngeldstelle and Schulträger
    "coe-wohngeld": each_town("wohngeld"),
    "coe-wohnberechtigungsschein": each_town("wohngeld"),
    "coe-schuelerfahrkosten-gemeinde": each_town(
        "schulverwaltung",
        "Gilt für Schulen in Trägerschaft der Stadt oder Gemeinde. Für Berufskollegs und Förderschulen des "
        "Kreises ist der Kreis Coesfeld zuständig.",
    ),
    "coe-grundschulanmeldung": each_town(
        "schulverwaltung", "Die Anmeldung selbst nimmt die gewünschte Grundschule entgegen."
    ),
    "coe-offene-ganztagsschule": each_town("schulverwaltung"),
    # The Kreis for all
    "coe-schuelerfahrkosten-kreis": kreis(
        "schule-bildung",
        note="Gilt für Berufskollegs und Förderschulen in Trägerschaft des Kreises Coesfeld.",
    ),
    "coe-schueler-bafoeg": kreis("schule-bildung", note="Amt für Ausbildungsförderung des Kreises Coesfeld."),
    "coe-elterngeld": kreis("elterngeld"),
    "coe-hilfe-zur-pflege": kreis("soziales"),
    "coe-pflegewohngeld": kreis("soziales"),
    "coe-schwerbehindertenausweis": kreis("soziales"),
    "coe-pflegeberatung": kreis("soziales"),
    "coe-betreuungsbehoerde": kreis("soziales"),
    "coe-belehrung-ifsg": kreis("gesundheitsamt"),
    "coe-schuleingangsuntersuchung": kreis("gesundheitsamt"),
    "coe-lebensmittelbetrieb": kreis("veterinaerwesen"),
    "coe-kleinklaeranlage": kreis("umwelt", note="Untere Wasserbehörde des Kreises Coesfeld."),
    "coe-wasserrechtliche-erlaubnis": kreis("umwelt", note="Untere Wasserbehörde des Kreises Coesfeld."),
    "coe-fahrerlaubnis-ersterteilung": kreis("fahrerlaubnis"),
    "coe-fuehrerschein-umtausch": kreis("fahrerlaubnis"),
    "coe-ersatzfuehrerschein": kreis("fahrerlaubnis"),
    "coe-internationaler-fuehrerschein": kreis("fahrerlaubnis"),
    "coe-personenbefoerderungsschein": kreis("fahrerlaubnis"),
    "coe-jagdschein": kreis("sicherheit-ordnung", note="Untere Jagdbehörde des Kreises Coesfeld."),
    "coe-waffenbesitzkarte": kreis(
        "sicherheit-ordnung", note="Waffenrechtliche Erlaubnisse erteilt der Landrat als Kreispolizeibehörde."
    ),
    "coe-aufenthaltstitel": kreis("auslaenderbehoerde"),
    "coe-einbuergerung": kreis("auslaenderbehoerde"),
    # The Kreis, one authority with several offices
    "coe-kfz-zulassung": kreis("zulassung", locations=KFZ_OFFICES, note=KFZ_NOTE),
    "coe-kfz-halterwechsel": kreis("zulassung", locations=KFZ_OFFICES, note=KFZ_NOTE),
    "coe-wunschkennzeichen": kreis("zulassung", locations=KFZ_OFFICES, note=KFZ_NOTE),
    "coe-ausserbetriebsetzung": kreis("zulassung", locations=KFZ_OFFICES, note=KFZ_NOTE),
    # The Kreis decides, the citizen goes to a local office
    "coe-buergergeld": kreis("soziales", contact_function="jobcenter", note=JOBCENTER_NOTE),
    "coe-grundsicherung-alter": kreis("soziales", contact_function="wohngeld", note=SOCIAL_OFFICE_NOTE),
    "coe-bildung-teilhabe": kreis("soziales", contact_function="wohngeld", note=SOCIAL_OFFICE_NOTE),
    # The Kreis for nine municipalities, Coesfeld and Dülmen for themselves
    "coe-kita-platz": kreis_except_own_offices("jugendamt"),
    "coe-elternbeitraege-kita": kreis_except_own_offices("jugendamt"),
    "coe-kindertagespflege": kreis_except_own_offices("jugendamt"),
    "coe-hilfen-zur-erziehung": kreis_except_own_offices("jugendamt"),
    "coe-beistandschaft": kreis_except_own_offices("jugendamt"),
    "coe-unterhaltsvorschuss": kreis_except_own_offices("jugendamt"),
    "coe-sorgeerklaerung": kreis_except_own_offices("jugendamt"),
    "coe-baugenehmigung": kreis_except_own_offices("bauaufsicht"),
    "coe-bauvoranfrage": kreis_except_own_offices("bauaufsicht"),
}
