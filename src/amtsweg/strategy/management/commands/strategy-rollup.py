"""``amtsweg strategy-rollup``: rebuild the monthly roll-up of the dashboards at once (decision 0030)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amtsweg.strategy.rollup import rollup_refresh


class Command(BaseCommand):
    help = "Baut die Monatsübersicht für Reifegrad, Cockpit und Sachstandsbericht neu auf."

    def handle(self, *args: Any, **options: Any) -> None:
        months = rollup_refresh()
        self.stdout.write(f"Monatsübersicht für {months} abgeschlossene Monate aufgebaut.")
