"""``amtsweg expire-drafts``: delete drafts past ``AMTSWEG_DRAFT_DAYS`` with their files (daily, cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amtsweg.submissions.drafts import drafts_expire


class Command(BaseCommand):
    help = "Löscht abgelaufene Antragsentwürfe mit ihren hochgeladenen Dateien."

    def handle(self, *args: Any, **options: Any) -> None:
        count = drafts_expire()
        self.stdout.write(f"{count} abgelaufene Entwürfe gelöscht.")
