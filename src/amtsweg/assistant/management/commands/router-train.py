"""``amtsweg router-train [--examples FILE.csv --text-column COL --label-column COL …]``.

Optionally stores the examples of FILE as ``RouterExample`` rows first (with their finer category when
the file has one, found as ``router-eval`` finds it), then trains a router from all stored examples and
makes it the active one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amtsweg.assistant.management.commands import FINE_LABEL_HELP, finer_labels, read_table
from amtsweg.assistant.models import RouterExample
from amtsweg.assistant.services import router_train


class Command(BaseCommand):
    help = "Trainiert den Router aus den gespeicherten Beispielen (optional vorher aus einer CSV ergänzt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--examples", type=Path, default=None)
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")
        parser.add_argument("--fine-label-column", default=None, help=FINE_LABEL_HELP)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["examples"] is not None:
            text_column, label_column = options["text_column"], options["label_column"]
            columns, rows = read_table(options["examples"], (text_column, label_column))
            rows = [row for row in rows if row[label_column].strip()]
            _column, details = finer_labels(options, columns, rows, self.stdout)
            details = details or [""] * len(rows)
            with transaction.atomic():
                RouterExample.objects.bulk_create(
                    RouterExample(
                        text=row[text_column],
                        label=row[label_column].strip()[:60],
                        detail=detail[:60],
                        source=options["examples"].name[:60],
                    )
                    for row, detail in zip(rows, details, strict=True)
                )
            self.stdout.write(f"{len(rows)} Beispiele gespeichert.")
        try:
            stored = router_train(actor=None, source="router-train")
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Router trainiert: {stored.examples} Beispiele, {len(stored.labels)} Stellen, "
            f"Schwelle {stored.threshold}."
        )
