"""Demo letter templates (Bescheidvorlagen): a default text of the Kreis and one for the Kita place.

They show the Fachadministration what a template can do (placeholders, a condition) and the caseworker
that a service can have its own text. Created once; after that they belong to the Fachadministration
and are never overwritten.
"""

from __future__ import annotations

from amtsweg.cases.models import LetterTemplate
from amtsweg.catalog.models import Service
from amtsweg.tenants.models import Authority

SIGNATURE = "Mit freundlichen Grüßen\nIm Auftrag\n\n{{ sachbearbeitung.name }}\n{{ sachbearbeitung.stelle }}"

DEFAULT = {
    "name": "Bescheid (Standard des Kreises)",
    "subject": "Ihr Antrag „{{ leistung }}“ – Aktenzeichen {{ aktenzeichen }}",
    "body": (
        "Sehr geehrte Damen und Herren,\n\n"
        "über Ihren Antrag „{{ leistung }}“ vom {{ eingangsdatum }} haben wir entschieden: "
        "Der Antrag wird {{ entscheidung }}.\n\n"
        "{% if begruendung %}Begründung:\n{{ begruendung }}\n\n{% endif %}"
        "Bei Fragen schreiben Sie uns über die Seite Ihres Antrags bei Amtsweg oder rufen Sie uns an; "
        "bitte nennen Sie dabei das Aktenzeichen {{ aktenzeichen }}.\n\n" + SIGNATURE
    ),
}
KITA = {
    "name": "Kita-Platz: Bewilligung",
    "decision": "bewilligt",
    "subject": "Zusage eines Betreuungsplatzes – Aktenzeichen {{ aktenzeichen }}",
    "body": (
        "Sehr geehrte Damen und Herren,\n\n"
        "für Ihr Kind steht ein Betreuungsplatz zur Verfügung: Ihr Antrag vom {{ eingangsdatum }} wird "
        "{{ entscheidung }}.\n\n"
        "{% if begruendung %}{{ begruendung }}\n\n{% endif %}"
        "Die Kindertageseinrichtung meldet sich bei Ihnen, um den Betreuungsvertrag abzuschließen. "
        "Die Elternbeiträge setzen wir mit einem eigenen Bescheid fest.\n\n" + SIGNATURE
    ),
}


def _ensure(authority: Authority, service: Service | None, values: dict[str, str]) -> int:
    if LetterTemplate.objects.filter(authority=authority, name=values["name"]).exists():
        return 0
    template = LetterTemplate(authority=authority, service=service, **values)
    template.full_clean()
    template.save()
    return 1


def letter_templates_load(kreis: Authority) -> int:
    """Create the missing demo templates of the Kreis; returns how many were created."""
    created = _ensure(kreis, None, DEFAULT)
    kita = Service.objects.filter(external_id="coe-kita-platz").first()
    if kita is not None:
        created += _ensure(kreis, kita, KITA)
    return created
