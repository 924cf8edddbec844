# ruff: noqa: E501, S101, S311
"""Build the "Stadt Neuhafen" search development set: a catalogue with long HTML texts plus queries.

    python scripts/devset_city/build.py

writes to src/amtsweg/assistant/devsets/:

- ``city_catalogue.jsonl``: ~80 services of a fictitious city in the JSON Lines exchange format that
  ``amtsweg import-catalogue`` reads. Each ``description`` is one long HTML page as city portals publish
  it: the service text, then the sections (Voraussetzungen, Unterlagen, Gebühren, Rechtsgrundlage),
  and the boilerplate every page of such a portal carries (responsible office with opening hours,
  appointment and accessibility notes, data protection, "see also" links to related services). Only
  some services have keywords, and those are official terms, not slang.
- ``city_tune.csv`` / ``city_test.csv``: the citizen-style queries, split **by service** (a hash of
  the id): no service of the test file has a query in the tuning file, as with an unseen catalogue.

Everything here is written for the development set; no real persons and no copied portal texts.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import sys
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from services_a import SERVICES_A  # noqa: E402
from services_b import SERVICES_B  # noqa: E402
from services_c import SERVICES_C  # noqa: E402

SERVICES = SERVICES_A + SERVICES_B + SERVICES_C
OUT = HERE.parent.parent / "src" / "amtsweg" / "assistant" / "devsets"
TEST_SHARE = 0.4

OFFICE_ADDRESS = {
    "Bürgeramt": (
        "Rathaus, Erdgeschoss, Rathausplatz 1",
        "Bürgeramt Mitte und Bürgerbüros in den Stadtteilen",
    ),
    "Wahlamt": ("Rathaus, Zimmer 112, Rathausplatz 1", "Wahlamt"),
    "Standesamt": ("Altes Rathaus, Marktstraße 4", "Standesamt"),
    "Ausländerbehörde": ("Verwaltungsgebäude Hafenstraße 20", "Ausländerbehörde und Einbürgerung"),
    "Gewerbeamt": ("Verwaltungsgebäude Hafenstraße 20, 2. Etage", "Gewerbeangelegenheiten"),
    "Straßenverkehrsbehörde": ("Technisches Rathaus, Am Deich 7", "Straßenverkehrsbehörde"),
    "Ordnungsamt": ("Verwaltungsgebäude Hafenstraße 20", "Ordnungsamt, Kommunaler Ordnungsdienst"),
    "Steueramt": (
        "Rathaus, 3. Etage, Rathausplatz 1",
        "Steueramt, Abteilung Grundbesitz- und Aufwandsteuern",
    ),
    "Zulassungsstelle": ("Straßenverkehrsamt, Industriestraße 55", "Kfz-Zulassungsstelle"),
    "Führerscheinstelle": ("Straßenverkehrsamt, Industriestraße 55", "Fahrerlaubnisbehörde"),
    "Wohngeldstelle": ("Sozialrathaus, Lindenallee 2", "Wohngeldstelle"),
    "Wohnungsamt": ("Sozialrathaus, Lindenallee 2", "Amt für Wohnen"),
    "Sozialamt": ("Sozialrathaus, Lindenallee 2", "Amt für Soziales und Senioren"),
    "Elterngeldstelle": ("Familienbüro, Lindenallee 4", "Elterngeldstelle"),
    "Jugendamt": ("Familienbüro, Lindenallee 4", "Amt für Kinder, Jugend und Familie"),
    "Versorgungsamt": ("Sozialrathaus, Lindenallee 2", "Feststellung nach dem Schwerbehindertenrecht"),
    "Schulamt": ("Bildungshaus, Schulstraße 1", "Schulverwaltungsamt"),
    "Musikschule": ("Kulturzentrum Speicher, Kaistraße 3", "Städtische Musikschule"),
    "Stadtbibliothek": ("Kulturzentrum Speicher, Kaistraße 3", "Stadtbibliothek"),
    "Bürgerbüro Ehrenamt": ("Rathaus, Zimmer 20, Rathausplatz 1", "Freiwilligenagentur"),
    "Bauaufsicht": ("Technisches Rathaus, Am Deich 7", "Bauordnungsamt"),
    "Umweltamt": ("Technisches Rathaus, Am Deich 7", "Umweltamt, Untere Naturschutzbehörde"),
    "Vermessungsamt": ("Technisches Rathaus, Am Deich 7", "Amt für Geoinformation und Vermessung"),
    "Abfallwirtschaftsbetrieb": (
        "Betriebshof, Industriestraße 80",
        "Abfallwirtschaftsbetrieb Neuhafen (AWN)",
    ),
    "Tiefbauamt": ("Technisches Rathaus, Am Deich 7", "Tiefbauamt"),
    "Friedhofsverwaltung": ("Hauptfriedhof, Friedhofsweg 1", "Friedhofsverwaltung"),
    "Marktverwaltung": ("Rathaus, Zimmer 15, Rathausplatz 1", "Marktverwaltung"),
    "Rechtsamt": ("Rathaus, 4. Etage, Rathausplatz 1", "Rechtsamt"),
    "Fachstelle Wohnungsnotfälle": ("Sozialrathaus, Lindenallee 2", "Fachstelle für Wohnungsnotfälle"),
    "Liegenschaftsamt": ("Technisches Rathaus, Am Deich 7", "Liegenschaftsamt"),
    "Sport- und Bäderamt": ("Hallenbad Neuhafen, Badstraße 9", "Sport- und Bäderamt"),
}

HOURS = [
    "Montag bis Freitag 8:00 bis 12:30 Uhr, Donnerstag zusätzlich 14:00 bis 18:00 Uhr",
    "Montag, Dienstag und Freitag 8:30 bis 12:00 Uhr, Donnerstag 14:00 bis 17:30 Uhr, Mittwoch geschlossen",
    "nur nach vorheriger Terminvereinbarung, Montag bis Freitag zwischen 8:00 und 15:00 Uhr",
]

APPOINTMENT = [
    "Bitte vereinbaren Sie vorab einen Termin über die Online-Terminvergabe der Stadt Neuhafen. "
    "Ohne Termin kann es zu längeren Wartezeiten kommen; eine Bedienung ohne Termin kann nicht garantiert werden.",
    "Termine vergeben wir online und telefonisch über die Behördennummer 115. Bitte bringen Sie alle "
    "erforderlichen Unterlagen vollständig mit, da Ihr Anliegen sonst nicht abschließend bearbeitet werden kann.",
    "Sie können Ihr Anliegen schriftlich, per E-Mail oder persönlich vorbringen. Für eine persönliche "
    "Vorsprache vereinbaren Sie bitte einen Termin.",
]

ACCESSIBILITY = (
    "Das Dienstgebäude ist barrierefrei zugänglich. Ein Aufzug und ein barrierefreies WC sind vorhanden. "
    "Wenn Sie Unterstützung bei der Verständigung benötigen, etwa eine Gebärdensprachdolmetschung, teilen "
    "Sie dies bitte bei der Terminvereinbarung mit."
)

PAYMENT = (
    "Gebühren können im Dienstgebäude mit Girocard, Kreditkarte oder bar bezahlt werden. Bei Online-Anträgen "
    "erfolgt die Zahlung über die Bezahlplattform des Landes."
)

PRIVACY = (
    "Datenschutzhinweis: Die Stadt Neuhafen verarbeitet Ihre personenbezogenen Daten zur Erfüllung der "
    "gesetzlichen Aufgaben nach Artikel 6 Absatz 1 Buchstabe c und e der Datenschutz-Grundverordnung (DSGVO). "
    "Die Daten werden nur so lange gespeichert, wie es für die Aufgabenerfüllung erforderlich ist oder "
    "gesetzliche Aufbewahrungsfristen bestehen. Sie haben das Recht auf Auskunft, Berichtigung, Löschung und "
    "Einschränkung der Verarbeitung sowie ein Beschwerderecht bei der Landesbeauftragten für Datenschutz und "
    "Informationsfreiheit Nordrhein-Westfalen. Die Datenschutzbeauftragte der Stadt Neuhafen erreichen Sie "
    "unter der Anschrift des Rathauses."
)

ONLINE = (
    "Diese Leistung können Sie teilweise auch online beantragen. Für die Online-Antragstellung benötigen Sie "
    "ein Nutzerkonto (BundID) oder den Personalausweis mit aktivierter Online-Ausweisfunktion."
)


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def description(service: dict, rng: random.Random, same_office: list[dict]) -> str:
    address, unit = OFFICE_ADDRESS[service["office"]]
    parts = [f"<h2>{escape(service['name'])}</h2>", f"<p>{escape(service['intro'])}</p>"]
    parts += [f"<p>{escape(detail)}</p>" for detail in service["details"]]
    if rng.random() < 0.5:
        parts.append(f"<h3>Online-Dienst</h3><p>{ONLINE}</p>")
    if service["prerequisites"]:
        parts.append("<h3>Voraussetzungen</h3>" + _list(service["prerequisites"]))
    if service["documents"]:
        parts.append("<h3>Welche Unterlagen werden benötigt?</h3>" + _list(service["documents"]))
    parts.append(f"<h3>Welche Gebühren fallen an?</h3><p>{escape(service['fees'])}</p>")
    parts.append(f"<p>{PAYMENT}</p>")
    parts.append(f"<h3>Rechtsgrundlage</h3><p>{escape(service['legal'])}</p>")
    parts.append(
        "<h3>Zuständige Stelle</h3>"
        f"<p><strong>Stadt Neuhafen – {escape(unit)}</strong><br>{escape(address)}<br>"
        f"Öffnungszeiten: {rng.choice(HOURS)}<br>Telefon: Behördennummer 115</p>"
    )
    parts.append(f"<h3>Hinweise</h3><p>{rng.choice(APPOINTMENT)}</p><p>{ACCESSIBILITY}</p>")
    related = [other for other in same_office if other["id"] != service["id"]]
    if related:
        names = [other["name"] for other in rng.sample(related, min(2, len(related)))]
        parts.append("<h3>Das könnte Sie auch interessieren</h3>" + _list(names))
    parts.append(f'<p class="datenschutz">{PRIVACY}</p>')
    return "\n".join(parts)


def split_of(service_id: str) -> str:
    digest = int(hashlib.sha256(service_id.encode()).hexdigest()[:8], 16)
    return "test" if (digest % 1000) / 1000 < TEST_SHARE else "tune"


def main() -> None:
    rng = random.Random(20261207)
    ids = [service["id"] for service in SERVICES]
    assert len(ids) == len(set(ids)), "doppelte IDs"
    by_office: dict[str, list[dict]] = {}
    for service in SERVICES:
        by_office.setdefault(service["office"], []).append(service)
    with (OUT / "city_catalogue.jsonl").open("w", encoding="utf-8") as stream:
        for service in SERVICES:
            record = {
                "id": service["id"],
                "name": service["name"],
                "description": description(service, rng, by_office[service["office"]]),
                "leika": None,
                "keywords": service["keywords"],
            }
            stream.write(json.dumps(record, ensure_ascii=False) + "\n")
    rows: dict[str, list[tuple[str, str]]] = {"tune": [], "test": []}
    seen: set[str] = set()
    for service in SERVICES:
        for query in service["queries"]:
            assert query.lower() not in seen, f"Anfrage doppelt: {query}"
            seen.add(query.lower())
            rows[split_of(service["id"])].append((query, service["id"]))
    for name, items in rows.items():
        with (OUT / f"city_{name}.csv").open("w", encoding="utf-8", newline="") as stream:
            writer = csv.writer(stream, lineterminator="\n")
            writer.writerow(["query", "gold_id"])
            writer.writerows(items)
    tune_services = {gold for _, gold in rows["tune"]}
    test_services = {gold for _, gold in rows["test"]}
    print(
        f"{len(SERVICES)} Leistungen; tune: {len(rows['tune'])} Anfragen / {len(tune_services)} Leistungen; "
        f"test: {len(rows['test'])} Anfragen / {len(test_services)} Leistungen"
    )


if __name__ == "__main__":
    main()
