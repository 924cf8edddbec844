"""``amtsweg dsgvo-export --email X [--output ORDNER]``: everything stored about a person (Art. 15 DSGVO)
as JSON and a PDF summary."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.cases.export import person_export
from amtsweg.core.actors import Actor


class Command(BaseCommand):
    help = "Stellt alle zu einer Person gespeicherten Daten zusammen (Auskunft nach Art. 15 DSGVO)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="E-Mail-Adresse der Person")
        parser.add_argument("--output", default=".", help="Ordner für JSON und PDF (Standard: hier)")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        if "@" not in email:
            raise CommandError("Bitte geben Sie eine E-Mail-Adresse an.")
        export = person_export(email, actor=Actor.system("dsgvo-export"), source="command")
        folder = Path(options["output"])
        folder.mkdir(parents=True, exist_ok=True)
        stem = "auskunft-" + "".join(ch if ch.isalnum() else "-" for ch in email.lower())
        (folder / f"{stem}.json").write_text(export.json_text, encoding="utf-8")
        (folder / f"{stem}.pdf").write_bytes(export.pdf)
        self.stdout.write(
            f"{export.counts['antraege']} Anträge, {export.counts['vorgaenge']} Vorgänge, "
            f"{export.counts['entwuerfe']} Entwürfe: {folder / stem}.json und .pdf geschrieben."
        )
