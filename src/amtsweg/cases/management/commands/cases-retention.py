"""``amtsweg cases-retention [--dry-run]``: anonymise closed cases past their retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amtsweg.cases.retention import retention_run


class Command(BaseCommand):
    help = "Anonymisiert abgeschlossene Vorgänge nach Ablauf der Aufbewahrungsfrist."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="nur zählen, nichts ändern")

    def handle(self, *args: Any, **options: Any) -> None:
        report = retention_run(dry_run=options["dry_run"])
        if options["dry_run"]:
            self.stdout.write(
                f"{report['faellig']} Vorgänge wären zu anonymisieren (Probelauf, nichts geändert)."
            )
            return
        self.stdout.write(
            f"{report['anonymisiert']} von {report['faellig']} fälligen Vorgängen anonymisiert, "
            f"{report['dateien_geloescht']} Dateien gelöscht."
        )
