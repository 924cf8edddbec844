"""``amtsweg router-train [--examples FILE.csv --text-column COL --label-column COL]``.

Optionally stores the examples of FILE as ``RouterExample`` rows first, then trains a router from all
stored examples and makes it the active one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from amtsweg.assistant.management.commands import read_labelled_file
from amtsweg.assistant.models import RouterExample
from amtsweg.assistant.services import router_train


class Command(BaseCommand):
    help = "Trainiert den Router aus den gespeicherten Beispielen (optional vorher aus einer CSV ergänzt)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--examples", type=Path, default=None)
        parser.add_argument("--text-column", default="text")
        parser.add_argument("--label-column", default="label")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["examples"] is not None:
            texts, labels = read_labelled_file(
                options["examples"], options["text_column"], options["label_column"]
            )
            with transaction.atomic():
                RouterExample.objects.bulk_create(
                    RouterExample(text=t, label=label[:60], source=options["examples"].name[:60])
                    for t, label in zip(texts, labels, strict=True)
                )
            self.stdout.write(f"{len(texts)} Beispiele gespeichert.")
        try:
            stored = router_train(actor=None, source="router-train")
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Router trainiert: {stored.examples} Beispiele, {len(stored.labels)} Stellen, "
            f"Schwelle {stored.threshold}."
        )
