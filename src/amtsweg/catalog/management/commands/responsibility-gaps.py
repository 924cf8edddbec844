"""``amtsweg responsibility-gaps``: services without a responsible office, per town of the Kreis."""

from __future__ import annotations

import csv
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from amtsweg.catalog.defaults import responsibility_gaps
from amtsweg.catalog.models import Service
from amtsweg.catalog.selectors import municipalities


class Command(BaseCommand):
    help = (
        "Bericht „Leistungen ohne zuständige Stelle je Gemeinde“: Leistungen ohne Zuständigkeitsregel und "
        "Regeln, deren Stelle es in der zuständigen Behörde nicht gibt. Beendet sich mit Status 1, wenn "
        "es Lücken gibt (für Prüfungen in Skripten)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--published", action="store_true", help="nur veröffentlichte Leistungen")
        parser.add_argument("--csv", type=Path, help="schreibt alle Lücken als CSV (Semikolon, UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        services = (
            Service.objects.filter(is_published=True) if options["published"] else Service.objects.all()
        )
        towns = responsibility_gaps(municipalities=municipalities(), services=services)
        total = 0
        for town in towns:
            total += len(town.gaps)
            self.stdout.write(
                _("%(town)s: %(count)d Leistungen ohne zuständige Stelle")
                % {"town": town.municipality.short_name, "count": len(town.gaps)}
            )
            for gap in town.gaps:
                hint = f" ({gap.hint})" if gap.hint else ""
                self.stdout.write(f"  {gap.service.name}: {gap.reason}{hint}")
        if options["csv"] is not None:
            with options["csv"].open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
                writer.writerow(["gemeinde", "ags", "leistung", "leika", "grund", "hinweis"])
                for town in towns:
                    for gap in town.gaps:
                        writer.writerow(
                            [
                                town.municipality.short_name,
                                town.municipality.ags,
                                gap.service.name,
                                gap.service.leika_key,
                                gap.reason,
                                gap.hint,
                            ]
                        )
        if not towns:
            self.stdout.write(self.style.WARNING(_("Der Kreis hat keine Städte und Gemeinden.")))
        elif total:
            self.stdout.write(self.style.WARNING(_("Insgesamt %(count)d Lücken.") % {"count": total}))
            raise SystemExit(1)
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Keine Lücken: Jede Leistung hat in jeder Gemeinde eine Stelle."))
            )
