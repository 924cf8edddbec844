"""``amtsweg import-form-definition FILE``: stores a hand-written form (YAML or JSON) as a form version.

The format is described in docs/formats/form-definition.md.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.translation import gettext as _

from amtsweg.forms.definition import DefinitionError, definition_load
from amtsweg.forms.selectors import service_by_reference
from amtsweg.forms.services import form_version_create
from amtsweg.tenants.models import Authority


class Command(BaseCommand):
    help = (
        "Speichert ein handgeschriebenes Formular (YAML oder JSON, Format: docs/formats/form-definition.md) "
        "als neue Formularversion. Eine vorhandene Versionsnummer wird nicht überschrieben."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path, help="Definitionsdatei (.yaml, .yml oder .json)")
        parser.add_argument(
            "--service",
            default="",
            metavar="SLUG_ODER_LEIKA",
            help="Kürzel, Kennung oder LeiKa-Schlüssel der Leistung (Vorgabe: „service“ aus der Datei)",
        )
        parser.add_argument(
            "--owner",
            default="",
            help="AGS oder Kürzel der pflegenden Behörde (Vorgabe: die der Leistung, sonst der Kreis)",
        )
        parser.add_argument("--publish", action="store_true", help="die neue Version sofort veröffentlichen")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            loaded = definition_load(options["file"])
        except DefinitionError as error:
            raise CommandError(_("Definition abgelehnt, nichts gespeichert:\n%s") % error.message) from error
        reference = options["service"] or loaded.service
        service = service_by_reference(reference) if reference else None
        if reference and service is None:
            raise CommandError(
                _("Die Leistung „%(ref)s“ (Kürzel, Kennung oder LeiKa-Schlüssel) gibt es nicht.")
                % {"ref": reference}
            )
        owner = self._owner(options["owner"], service.owner if service is not None else None)
        try:
            version = form_version_create(
                actor=None,
                spec=loaded.spec,
                owner=owner,
                source="definition",
                service=service,
                source_name=loaded.source_name,
                source_sha256=loaded.sha256,
                publish=options["publish"],
                audit_source=f"import-form-definition {loaded.source_name}",
            )
        except ValidationError as error:
            raise CommandError(_("Nichts gespeichert: %s") % " ".join(error.messages)) from error
        spec = loaded.spec
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Formular „%(title)s“ (%(key)s) Version %(version)s gespeichert: %(fields)d Felder, "
                    "%(groups)d Gruppen, %(lists)d Auswahllisten, %(rules)d Regeln."
                )
                % {
                    "title": spec.title,
                    "key": spec.key,
                    "version": spec.version,
                    "fields": len(spec.fields()),
                    "groups": len(spec.groups()),
                    "lists": len(spec.code_lists),
                    "rules": len(spec.rules),
                }
            )
        )
        self.stdout.write(
            _("Status: %(status)s. Leistung: %(service)s.")
            % {
                "status": version.get_status_display(),
                "service": service.name if service is not None else _("keine verknüpft"),
            }
        )

    def _owner(self, reference: str, default: Authority | None) -> Authority:
        if not reference and default is not None:
            return default
        reference = (reference or settings.AMTSWEG_KREIS_AGS).strip()
        owner = Authority.objects.filter(Q(ags=reference) | Q(slug=reference)).first()
        if owner is None:
            raise CommandError(
                _(
                    "Die Behörde „%(owner)s“ (Amtlicher Gemeindeschlüssel oder Kürzel) gibt es nicht. "
                    "Bitte zuerst den Kreis und seine Gemeinden aus dem Gemeindeverzeichnis anlegen "
                    "(amtsweg import-municipalities, siehe docs/first-run.md) oder mit --owner eine "
                    "vorhandene angeben."
                )
                % {"owner": reference}
            )
        return owner
