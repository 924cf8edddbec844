"""``amtsweg fitconnect-poll``: ask FIT-Connect now for waiting submissions (else the worker does it
every AMTSWEG_FITCONNECT_POLL_MINUTES)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsweg.fitconnect.client import PartnerError
from amtsweg.fitconnect.models import Destination
from amtsweg.fitconnect.services import destination_poll


class Command(BaseCommand):
    help = "Fragt alle aktiven FIT-Connect-Zustellpunkte nach abholbereiten Einreichungen."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for destination in Destination.objects.filter(active=True, destination_id__isnull=False):
            try:
                new = destination_poll(destination)
            except PartnerError as error:
                failed += 1
                self.stderr.write(f"{destination}: {error}")
                continue
            self.stdout.write(f"{destination}: {len(new)} neue Einreichung(en) zur Abholung vorgemerkt")
        if failed:
            raise CommandError(f"{failed} Zustellpunkt(e) nicht erreichbar.")
