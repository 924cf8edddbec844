"""``amtsweg case-transition AKTENZEICHEN STATUS [--text …] [--decision …]``: change a case's status as the
system (e.g. for corrections by operations); the same guarded steps as the pages and the API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.cases.models import Case
from amtsweg.cases.services import TransitionNotAllowed, case_transition


class Command(BaseCommand):
    help = "Ändert den Status eines Vorgangs (nur erlaubte Statuswechsel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="Aktenzeichen des Vorgangs")
        parser.add_argument("to", help="neuer Status, z. B. in_pruefung")
        parser.add_argument("--text", default="", help="Rückfrage oder Bemerkung")
        parser.add_argument("--decision", default="", help="bewilligt, abgelehnt oder teilweise")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(reference=options["reference"]).first()
        if case is None:
            raise CommandError(f"Einen Vorgang {options['reference']} gibt es nicht.")
        try:
            case = case_transition(
                actor=None,
                case=case,
                to=options["to"],
                text=options["text"],
                decision=options["decision"],
                source="command",
            )
        except (TransitionNotAllowed, ValidationError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{case.reference}: {case.get_status_display()}")
