"""``amtsweg verify-audit``: checks that no audit entry was changed, removed or inserted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from amtsweg.core.audit import audit_verify_chain
from amtsweg.core.models import AuditEntry


class Command(BaseCommand):
    help = "Prüft die Hash-Kette des Protokolls. Rückgabewert 1, wenn sie unterbrochen ist."

    def handle(self, *args: Any, **options: Any) -> None:
        breaks = list(audit_verify_chain())
        count = AuditEntry.objects.count()
        if not breaks:
            self.stdout.write(self.style.SUCCESS(f"Protokoll unversehrt: {count} Einträge geprüft."))
            return
        self.stderr.write(self.style.ERROR(f"Protokoll verändert: {len(breaks)} Unstimmigkeiten gefunden."))
        for found in breaks:
            where = f"Eintrag {found.entry_id}" if found.entry_id is not None else "Kettenkopf"
            self.stderr.write(f"  {where}: {found.reason}")
        raise SystemExit(1)
