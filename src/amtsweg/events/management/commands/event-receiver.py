"""``amtsweg event-receiver``: the local test receiver of outbound events (see amtsweg.events.receiver)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Startet einen lokalen Empfänger für Ereignisse (prüft Signatur und CloudEvents-Schema)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8090)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--secret", required=True, help="Signaturgeheimnis des Abonnements (whsec_…)")

    def handle(self, *args: Any, **options: Any) -> None:
        from amtsweg.events.receiver import serve

        serve(options["port"], options["secret"], options["host"])
