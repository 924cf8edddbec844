"""``amtsweg import-municipalities FILE``: the Kreis, its municipalities and postcodes from the register."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtsweg.core.importoutput import DEFAULT_LIMIT, print_report
from amtsweg.core.importreport import ImportRejected
from amtsweg.tenants.register import register_import


class Command(BaseCommand):
    help = (
        "Legt den Kreis, seine Städte und Gemeinden und ihre Postleitzahlen aus dem amtlichen "
        "Gemeindeverzeichnis an (Destatis GV100AD oder GV-ISys-Tabelle als CSV). Erkennt auch die "
        "KDN-Kommunenliste (name,url: ergänzt Internetseiten) und Postleitzahlenlisten (plz, ags). "
        "Erneut ausgeführt ändert es nur, was sich im Verzeichnis geändert hat."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Gemeindeverzeichnis oder Liste (Format wird erkannt)")
        parser.add_argument(
            "--kreis",
            metavar="SCHLÜSSEL",
            help="Kreisschlüssel (5 Ziffern, z. B. 05554) oder AGS des Kreises; Standard: AMTSWEG_KREIS_AGS",
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
            result = register_import(options["file"], kreis=options["kreis"], dry_run=options["dry_run"])
        except ImportRejected as error:
            raise CommandError(_("Import abgelehnt, nichts gespeichert: %s") % error.message) from error
        self.stdout.write(_("Erkanntes Format: %(format)s") % {"format": result.format_label})
        print_report(
            result.report,
            stdout=self.stdout,
            style=self.style,
            limit=max(0, options["limit"]),
            report_file=options["report"],
        )
        if result.skipped_other:
            self.stdout.write(
                _("%(count)d Zeilen gehören zu anderen Kreisen und wurden übersprungen.")
                % {"count": result.skipped_other}
            )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))
