"""``amtsweg import-fim FILE.xml``: imports a FIM data schema (XDatenfelder 2.0/3.0) as a form version.

See docs/formats/fim.md. Code lists (genericode) are read from the folder of the file.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import import_fim
from amtsweg.forms.fim.safe_xml import DEFAULT_MAX_BYTES


class Command(BaseCommand):
    help = (
        "Importiert ein FIM-Stammdatenschema (XDatenfelder 2.0 oder 3.0) als neue Formularversion. "
        "Die Datei wird vorher gegen die offiziellen XSDs geprüft; Codelisten (genericode) werden im selben "
        "Ordner gesucht."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="XDatenfelder-Datei (.xml)")
        parser.add_argument(
            "--service",
            default="",
            help="LeiKa-Schlüssel (oder Kürzel) der Leistung, zu der das Formular gehört",
        )
        parser.add_argument(
            "--owner", default="", help="AGS oder Kürzel der pflegenden Behörde (Vorgabe: der Kreis)"
        )
        parser.add_argument("--publish", action="store_true", help="die neue Version sofort veröffentlichen")
        parser.add_argument(
            "--xsd-dir", type=Path, default=None, help="Ordner mit den XSDs (statt AMTSWEG_FIM_XSD_DIR)"
        )
        parser.add_argument(
            "--max-mb",
            type=float,
            default=DEFAULT_MAX_BYTES / (1024 * 1024),
            help="größte erlaubte Dateigröße in MB (Vorgabe: 10)",
        )
        parser.add_argument(
            "--strict-code-lists",
            action="store_true",
            help=(
                "fehlende Codelisten als Fehler werten (Vorgabe: die Liste wird mit URN und Version "
                "vermerkt, das Feld wird zur Texteingabe, der Import meldet es)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = import_fim(
                options["file"],
                actor=None,
                owner=options["owner"] or None,
                service=options["service"],
                publish=options["publish"],
                xsd_dir=options["xsd_dir"],
                max_bytes=int(options["max_mb"] * 1024 * 1024),
                allow_missing_code_lists=not options["strict_code_lists"],
            )
        except FimImportError as error:
            raise CommandError(_("Import abgelehnt, nichts gespeichert: %s") % error.message) from error
        spec = result.spec
        version = result.version
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Formular „%(title)s“ (%(key)s) Version %(version)s importiert: %(fields)s Datenfelder, "
                    "%(groups)s Gruppen, %(lists)s Codelisten, %(rules)s Regeln "
                    "(%(evaluated)s davon auswertbar)."
                )
                % {
                    "title": spec.title,
                    "key": spec.key,
                    "version": spec.version,
                    "fields": len(spec.fields()),
                    "groups": len(spec.groups()),
                    "lists": len(spec.code_lists),
                    "rules": len(spec.rules),
                    "evaluated": sum(1 for r in spec.rules if r.kind != "info"),
                }
            )
        )
        self.stdout.write(
            _("Status: %(status)s. Leistung: %(service)s.")
            % {
                "status": version.get_status_display(),
                "service": result.service.name if result.service else _("keine verknüpft"),
            }
        )
        for warning in result.document.warnings:
            self.stdout.write(self.style.WARNING(_("Hinweis: %s") % warning))
