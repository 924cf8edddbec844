"""Reference data the demo catalogue needs: OZG Themenfelder and Lebenslagen, maturity models.

Themenfelder and Lebenslagen carry the ids and names of the KDN OZG catalogue (``themenfeld_id``,
``lebenslage_id``) as their ``code``, so that a later ``amtsweg import-ozg-catalogue`` finds and
updates these rows instead of adding duplicates. Only the subset the demo services use is embedded.
The audience of a Lebenslage follows the same rule as the importer's guess (businesses for the
Themenfeld "Unternehmensführung & -entwicklung" and "Querschnitt Unternehmen"), so that the order in
which demo and import run makes no difference.
"""

from __future__ import annotations

from dataclasses import dataclass

# code → name (OZG-Themenfelder, only those used by the demo catalogue)
THEMENFELDER: dict[str, str] = {
    "1": "Arbeit & Ruhestand",
    "2": "Bauen & Wohnen",
    "3": "Bildung",
    "4": "Ein- & Auswanderung",
    "5": "Engagement & Hobby",
    "6": "Familie & Kind",
    "8": "Gesundheit",
    "9": "Mobilität & Reisen",
    "10": "Querschnitt",
    "11": "Recht & Ordnung",
    "12": "Steuern & Zoll",
    "13": "Umwelt",
    "14": "Unternehmensführung & -entwicklung",
}


@dataclass(frozen=True)
class LebenslageData:
    code: str
    name: str
    themenfeld: str
    audience: str = "buerger"


LEBENSLAGEN: tuple[LebenslageData, ...] = (
    LebenslageData("1", "(Drohender) Arbeitsplatzverlust & -suche", "1"),
    LebenslageData("2", "Abfall & Umweltschutz", "13"),
    LebenslageData("5", "Anlagen & Stoffe", "13"),
    LebenslageData("7", "Arbeitsplatzwechsel", "1"),
    LebenslageData("10", "Auslandsaufenthalt", "9"),
    LebenslageData("14", "Bauen & Immobilien", "2"),
    LebenslageData("15", "Behinderung", "8"),
    LebenslageData("16", "Berufsausbildung", "3"),
    LebenslageData("18", "Eheschließung", "6"),
    LebenslageData("19", "Einwanderung", "4"),
    LebenslageData("20", "Engagement & Beteiligung", "5"),
    LebenslageData("21", "Finanzielle Existenzsicherung/Unterstützung bei finanziellen Problemen", "1"),
    LebenslageData("23", "Fischen & Jagen", "5"),
    LebenslageData("25", "Führerschein", "9"),
    LebenslageData("26", "Geburt", "6"),
    LebenslageData("28", "Geschäftsauflösung & Unternehmensübergang", "14", "unternehmen"),
    LebenslageData("29", "Gesundheitsvorsorge", "8"),
    LebenslageData("30", "Hausbau & Immobilienerwerb", "2"),
    LebenslageData("31", "Kfz-Besitz", "9"),
    LebenslageData("32", "Kinderbetreuung", "6"),
    LebenslageData("34", "Logistik & Transport", "9"),
    LebenslageData("36", "Pflege", "8"),
    LebenslageData("37", "Querschnitt Bürger", "10"),
    LebenslageData("38", "Querschnitt Unternehmen", "10", "unternehmen"),
    LebenslageData("42", "Schule", "3"),
    LebenslageData("45", "Steuern & Abgaben", "12"),
    LebenslageData("47", "Tierhaltung", "5"),
    LebenslageData("48", "Tod", "8"),
    LebenslageData("49", "Trennung mit Kind", "6"),
    LebenslageData("50", "Unternehmensstart & Gewerbezulassung", "14", "unternehmen"),
    LebenslageData("52", "Veranstaltungen", "14", "unternehmen"),
    LebenslageData("54", "Weitere Leistungen", "11"),
    LebenslageData("55", "Wohnen & Umzug", "2"),
)


@dataclass(frozen=True)
class LevelData:
    level: int
    name: str
    description: str
    is_online: bool = False


@dataclass(frozen=True)
class MaturityModelData:
    name: str
    is_default: bool
    levels: tuple[LevelData, ...]


OZG_MODEL = "OZG-Reifegradmodell"

MATURITY_MODELS: tuple[MaturityModelData, ...] = (
    MaturityModelData(
        OZG_MODEL,
        is_default=True,
        levels=(
            LevelData(0, "Offline", "Es gibt keine Informationen und keinen Antrag im Internet."),
            LevelData(1, "Information", "Informationen zur Leistung stehen im Internet bereit."),
            LevelData(
                2,
                "Formular-Assistent",
                "Ein Formular kann online ausgefüllt werden, wird aber ausgedruckt und eingereicht.",
            ),
            LevelData(
                3,
                "Online-Leistung",
                "Die Leistung kann vollständig online beantragt werden, einschließlich Nachweisen.",
                is_online=True,
            ),
            LevelData(
                4,
                "Online-Transaktion",
                "Online-Antrag und Bescheid; Nachweise holt die Verwaltung selbst ein (Once-Only).",
                is_online=True,
            ),
        ),
    ),
    # Reifegradmodell 2.0 (since 07/2025): the scale is data; descriptions are our own summaries.
    MaturityModelData(
        "Reifegradmodell 2.0",
        is_default=False,
        levels=(
            LevelData(0, "Stufe 0", "Die Leistung ist nicht digital verfügbar."),
            LevelData(1, "Stufe 1", "Es gibt verlässliche Informationen zur Leistung im Internet."),
            LevelData(
                2, "Stufe 2", "Ein Formular steht digital bereit, der Antrag wird aber nicht online gestellt."
            ),
            LevelData(3, "Stufe 3", "Der Antrag kann online gestellt werden.", is_online=True),
            LevelData(
                4,
                "Stufe 4",
                "Antrag und Nachweise werden online eingereicht und digital bearbeitet.",
                is_online=True,
            ),
            LevelData(5, "Stufe 5", "Auch der Bescheid wird digital zugestellt.", is_online=True),
            LevelData(
                6,
                "Stufe 6",
                "Nachweise werden mit Zustimmung aus Registern abgerufen (Once-Only).",
                is_online=True,
            ),
            LevelData(
                7,
                "Stufe 7",
                "Die Leistung wird weitgehend automatisch oder ohne Antrag (proaktiv) erbracht.",
                is_online=True,
            ),
        ),
    ),
)
