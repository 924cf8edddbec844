"""Example data for the demo form "Anmeldung zur Hundesteuer" (made up, no real person)."""

from __future__ import annotations

from typing import Any

HUNDESTEUER_FORM = "hundesteuer-anmeldung"


def hundesteuer(plz: str = "48249", ort: str = "Dülmen") -> dict[str, Any]:
    return {
        "halter": {
            "vorname": "Erika",
            "nachname": "Mustermann",
            "geburtsdatum": "1980-05-17",
            "strasse": "Marktstraße 1",
            "plz": plz,
            "ort": ort,
            "telefon": "02594 12345",
        },
        "hund": [
            {
                "name": "Bello",
                "rasse": "Mischling",
                "geburtsdatum": "2022-04-01",
                "haltung_seit": "2022-06-01",
                "chipnummer": "276098765432101",
                "listenhund": False,
            }
        ],
        "bestaetigung": True,
    }


# A tiny but well-formed PDF (as an attachment: "Nachweis").
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
