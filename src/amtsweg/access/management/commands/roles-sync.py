"""``amtsweg roles-sync``: create or update the staff roles from the code (safe to run repeatedly)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from amtsweg.access.sync import roles_sync
from amtsweg.core.audit import audit_record


class Command(BaseCommand):
    help = "Legt die Rollen an oder bringt sie auf den Stand des Programms."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = roles_sync()
            if counts["created"] or counts["changed"]:
                audit_record(
                    actor=None, action="access.roles.synced", changes=dict(counts), source="roles-sync"
                )
        self.stdout.write(
            f"Rollen: {counts['created']} angelegt, {counts['changed']} aktualisiert, "
            f"{counts['unknown']} unbekannte unverändert."
        )
