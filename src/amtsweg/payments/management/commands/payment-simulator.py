"""``amtsweg payment-simulator``: the local XBezahldienste test provider (see amtsweg.payments.simulator)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Startet den lokalen Testbezahldienst (XBezahldienste 1.2, mit Bezahlseite)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--port", type=int, default=8081)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument(
            "--user", default="", help="Benutzername für Basic-Authentifizierung (leer: keine)"
        )
        parser.add_argument("--password", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        from amtsweg.payments.simulator import serve

        serve(options["port"], options["host"], options["user"], options["password"])
