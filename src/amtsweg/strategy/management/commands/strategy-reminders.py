"""``amtsweg strategy-reminders``: e-mail reminders before funding deadlines (idempotent, run daily)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amtsweg.strategy.reminders import reminders_send


class Command(BaseCommand):
    help = _("Verschickt Erinnerungen vor Fristen von Förderanträgen (jede nur einmal).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--heute", dest="today", help=_("Stichtag JJJJ-MM-TT (Standard: heute)"))
        parser.add_argument(
            "--tage",
            dest="days",
            help=_("Tage vor der Frist, kommagetrennt (Standard: AMTSWEG_STRATEGY_REMINDER_DAYS)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else None
            days = [int(d) for d in options["days"].split(",")] if options["days"] else None
        except ValueError as error:
            raise CommandError(_("Ungültige Angabe: %(error)s") % {"error": error}) from error
        count = reminders_send(today=today, lead_days=days)
        self.stdout.write(_("%(count)s Erinnerung(en) verschickt.") % {"count": count})
