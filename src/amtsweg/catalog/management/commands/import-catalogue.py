"""``amtsweg import-catalogue FILE.jsonl``: imports services in the JSON Lines exchange format."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtsweg.catalog.importers.jsonl import catalogue_owner, import_catalogue_jsonl
from amtsweg.catalog.importers.output import DEFAULT_LIMIT, print_report
from amtsweg.catalog.importers.report import ImportRejected


class Command(BaseCommand):
    help = (
        "Importiert Leistungen aus einer JSON-Lines-Datei (eine Leistung je Zeile, Format: "
        "docs/formats/catalogue.md). Vorhandene Leistungen werden über ihre ID gefunden und aktualisiert."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="JSON-Lines-Datei (UTF-8)")
        parser.add_argument(
            "--owner", metavar="AGS", help="Behörde, die neue Leistungen pflegt (Standard: der Kreis)"
        )
        parser.add_argument(
            "--report", type=Path, help="schreibt alle neuen, geänderten und abgelehnten Zeilen als CSV"
        )
        parser.add_argument(
            "--limit", type=int, default=DEFAULT_LIMIT, help="so viele abgelehnte Zeilen werden angezeigt"
        )
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen und zählen, nichts speichern")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            owner = catalogue_owner(options["owner"])
            report = import_catalogue_jsonl(options["file"], owner=owner, dry_run=options["dry_run"])
        except ImportRejected as error:
            raise CommandError(_("Import abgelehnt, nichts gespeichert: %s") % error.message) from error
        print_report(
            report,
            stdout=self.stdout,
            style=self.style,
            limit=max(0, options["limit"]),
            report_file=options["report"],
        )
