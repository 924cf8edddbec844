"""``amtsweg export-catalogue``: writes the catalogue in the JSON Lines exchange format."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amtsweg.catalog.importers.jsonl import export_catalogue_jsonl


class Command(BaseCommand):
    help = (
        "Schreibt alle veröffentlichten Leistungen als JSON Lines (UTF-8, eine Leistung je Zeile, nach ID "
        "sortiert; Format: docs/formats/catalogue.md). Ohne --output auf die Standardausgabe."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--output", "-o", type=Path, help="Zieldatei (wird überschrieben)")
        parser.add_argument("--all", action="store_true", help="auch nicht veröffentlichte Leistungen")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path | None = options["output"]
        if output is None:
            export_catalogue_jsonl(self.stdout, include_unpublished=options["all"])
            return
        if output.is_dir():
            raise CommandError(
                _("%(path)s ist ein Verzeichnis; bitte einen Dateinamen angeben.") % {"path": output}
            )
        # Write next to the target first, so a failed export never leaves half a file behind.
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("w", encoding="utf-8", newline="\n") as handle:
                count = export_catalogue_jsonl(handle, include_unpublished=options["all"])
            partial.replace(output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(_("Export fehlgeschlagen: %(error)s") % {"error": error}) from error
        self.stderr.write(
            ngettext(
                "%(count)d Leistung nach %(path)s exportiert.",
                "%(count)d Leistungen nach %(path)s exportiert.",
                count,
            )
            % {"count": count, "path": output}
        )
