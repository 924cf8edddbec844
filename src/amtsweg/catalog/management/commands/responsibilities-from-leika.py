"""``amtsweg responsibilities-from-leika``: default responsibility rules from the LeiKa Typisierung."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from amtsweg.catalog.defaults import (
    LEVEL_GEMEINDE,
    LEVEL_KREIS,
    LevelsInvalid,
    configured_levels,
    parse_levels,
    responsibility_defaults_apply,
)
from amtsweg.catalog.selectors import kreis


class Command(BaseCommand):
    help = (
        "Legt für jede Leistung ohne Zuständigkeitsregel eine Regel aus ihrem LeiKa-Typ an (Typ 1: Bund, "
        "keine Regel; Typ 2: Kreis; Typ 2/3, 3, 4, 5: eigene Stadt oder Gemeinde – einstellbar mit "
        "AMTSWEG_RESPONSIBILITY_LEVELS oder --level). Vorhandene Regeln bleiben unverändert."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--level",
            action="append",
            default=[],
            metavar="TYP=EBENE",
            help="abweichende Ebene für einen LeiKa-Typ, z. B. --level 4=kreis (bund, kreis, gemeinde)",
        )
        parser.add_argument("--dry-run", action="store_true", help="nur zeigen, was angelegt würde")

    def handle(self, *args: Any, **options: Any) -> None:
        the_kreis = kreis()
        if the_kreis is None:
            raise CommandError(
                _(
                    "Den Kreis mit dem Schlüssel %(ags)s gibt es nicht. Bitte zuerst das Gemeindeverzeichnis "
                    "importieren (amtsweg import-municipalities)."
                )
                % {"ags": settings.AMTSWEG_KREIS_AGS}
            )
        try:
            levels = configured_levels() | parse_levels(",".join(options["level"]))
        except LevelsInvalid as error:
            raise CommandError(str(error)) from error
        result = responsibility_defaults_apply(
            actor=None, kreis=the_kreis, levels=levels, dry_run=options["dry_run"]
        )
        if result.dry_run:
            self.stdout.write(self.style.WARNING(_("Probelauf: Es wurde nichts gespeichert.")))
        counts = result.counts()
        self.stdout.write(
            _("%(count)d Regeln angelegt (Kreis: %(kreis)d, eigene Stadt oder Gemeinde: %(town)d).")
            % {
                "count": len(result.created),
                "kreis": counts.get(LEVEL_KREIS, 0),
                "town": counts.get(LEVEL_GEMEINDE, 0),
            }
        )
        self.stdout.write(
            _("%(count)d Leistungen hatten schon eine Regel (unverändert).") % {"count": result.kept}
        )
        if result.without:
            self.stdout.write(
                self.style.WARNING(_("%(count)d Leistungen ohne Vorschlag:") % {"count": len(result.without)})
            )
            for proposal in result.without:
                self.stdout.write(f"  {proposal.service.name}: {proposal.reason}")
        self.stdout.write(
            _(
                "Lücken je Gemeinde zeigt „amtsweg responsibility-gaps“ oder die Verwaltung "
                "(Zuständigkeiten › Lücken je Gemeinde)."
            )
        )
