"""``amtsweg case-transition AKTENZEICHEN STATUS [--text …] [--decision …] [--reply-due JJJJ-MM-TT]
[--as-user LOGIN]``: move a case to a status through the action that belongs to it (e.g. for corrections by
operations) – the same domain functions, guarded steps and side effects as the pages and the API:
``entschieden`` issues and sends the decision letter, ``rueckfrage`` sends the question to the applicant.

By default the system acts (audit: "System (case-transition)"); ``--as-user`` acts as that staff account,
with its rights, and signs the letter with its name."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amtsweg.cases.letters import LetterTemplateError
from amtsweg.cases.models import Case
from amtsweg.cases.services import TransitionNotAllowed, case_transition
from amtsweg.core.actors import Actor


class Command(BaseCommand):
    help = "Ändert den Status eines Vorgangs über die zugehörige Aktion (nur erlaubte Statuswechsel)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("reference", help="Aktenzeichen des Vorgangs")
        parser.add_argument("to", help="neuer Status, z. B. in_pruefung")
        parser.add_argument("--text", default="", help="Rückfrage (rueckfrage) oder Begründung (entschieden)")
        parser.add_argument("--decision", default="", help="bewilligt, abgelehnt oder teilweise")
        parser.add_argument("--reply-due", default="", help="Antwortfrist einer Rückfrage, JJJJ-MM-TT")
        parser.add_argument("--as-user", default="", help="Anmeldename der Beschäftigten, die handeln")

    def handle(self, *args: Any, **options: Any) -> None:
        case = Case.objects.filter(reference=options["reference"][:32]).first()
        if case is None:
            raise CommandError(f"Einen Vorgang {options['reference']} gibt es nicht.")
        actor = Actor.system("case-transition")
        if options["as_user"]:
            user = (
                get_user_model()._default_manager.filter(username=options["as_user"], is_active=True).first()
            )
            if user is None:
                raise CommandError(f"Ein aktives Konto {options['as_user']} gibt es nicht.")
            actor = Actor.of_user(user)
        reply_due = None
        if options["reply_due"]:
            try:
                reply_due = datetime.date.fromisoformat(options["reply_due"])
            except ValueError as error:
                raise CommandError("Die Antwortfrist bitte als Datum JJJJ-MM-TT angeben.") from error
        try:
            case = case_transition(
                actor=actor,
                case=case,
                to=options["to"],
                text=options["text"],
                decision=options["decision"],
                reply_due=reply_due,
                source="command",
            )
        except PermissionDenied as error:
            raise CommandError(str(error) or "Keine Berechtigung für diesen Vorgang.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        except (TransitionNotAllowed, LetterTemplateError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{case.reference}: {case.get_status_display()}")
