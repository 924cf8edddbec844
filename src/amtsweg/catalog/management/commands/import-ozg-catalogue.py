"""``amtsweg import-ozg-catalogue DIR``: imports the KDN OZG/LeiKa CSVs (see docs/formats/catalogue.md)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtsweg.catalog.importers.output import DEFAULT_LIMIT, print_report
from amtsweg.catalog.importers.ozg import import_ozg_catalogue
from amtsweg.catalog.importers.report import ImportRejected


class Command(BaseCommand):
    help = (
        "Importiert Themenfelder, Lebenslagen, OZG-Leistungen und LeiKa-Einträge aus den KDN-CSV-Dateien "
        "eines Verzeichnisses (themenfelder.csv, lebenslagen.csv, ozg_leistungen.csv, leika_leistungen.csv)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="Verzeichnis mit den vier CSV-Dateien")
        parser.add_argument(
            "--report", type=Path, help="schreibt alle neuen, geänderten und abgelehnten Zeilen als CSV"
        )
        parser.add_argument(
            "--limit", type=int, default=DEFAULT_LIMIT, help="so viele abgelehnte Zeilen werden angezeigt"
        )
        parser.add_argument("--dry-run", action="store_true", help="nur prüfen und zählen, nichts speichern")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_ozg_catalogue(options["directory"], dry_run=options["dry_run"])
        except ImportRejected as error:
            raise CommandError(_("Import abgelehnt, nichts gespeichert: %s") % error.message) from error
        print_report(
            report,
            stdout=self.stdout,
            style=self.style,
            limit=max(0, options["limit"]),
            report_file=options["report"],
        )
