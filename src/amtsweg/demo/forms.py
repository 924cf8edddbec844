"""Demo forms: the hand-written definitions in ``amtsweg/forms/definitions`` and two FIM schemas.

:func:`forms_load` is idempotent: a form version that exists already is skipped, never changed. New
versions are stored and published through :func:`amtsweg.forms.services.form_version_create` and linked
to the demo service named in the definition (its ``service`` entry: the demo key). The FIM schemas
(Bewohnerparkausweis S99100001, Gewerbe anmelden S99200001) are the demo's own XDatenfelder 2.0 files in
``demo/demo_data/fim`` – real FIM schemas do not ship – and go through the same importer as an upload
in the admin, so a fresh clone has FIM forms without ``../shared``.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

import amtsweg.forms
from amtsweg.demo.organisation import KREIS_SLUG
from amtsweg.forms.definition import DefinitionError, definition_load
from amtsweg.forms.selectors import form_version_exists, service_by_reference, version_from_file_exists
from amtsweg.forms.services import form_version_create
from amtsweg.tenants.models import Authority

SOURCE = "amtsweg load-demo"
DEFINITIONS = Path(amtsweg.forms.__file__).parent / "definitions"
# The demo's own XDatenfelder 2.0 schemas with their genericode lists (own texts, valid against the
# official XSD shipped in amtsweg/forms/fim/standards): file under FIM_DEMO, LeiKa key of the service.
FIM_DEMO = Path(__file__).parent / "demo_data" / "fim"
FIM_SCHEMAS = (
    ("bewohnerparkausweis/S99100001_xdf2.xml", "99108001001000"),
    ("gewerbeanmeldung/S99200001_xdf2.xml", "99050012104000"),
)


class Output(Protocol):
    def write(self, msg: str, /) -> Any: ...


def forms_load(stdout: Output | None = None) -> dict[str, int]:
    """Store and publish the demo forms that are missing; return counts (created, skipped)."""

    def say(message: str) -> None:
        if stdout is not None:
            stdout.write(message + "\n")

    counts = {"forms_created": 0, "forms_skipped": 0}
    kreis = Authority.objects.get(slug=KREIS_SLUG)
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        try:
            loaded = definition_load(path)
        except DefinitionError as error:  # a broken demo file is a bug; say so and go on
            say(_("Demo-Formular übersprungen: %s") % error.message)
            continue
        spec = loaded.spec
        if form_version_exists(spec.key, spec.version):
            counts["forms_skipped"] += 1
            continue
        service = service_by_reference(loaded.service) if loaded.service else None
        form_version_create(
            actor=None,
            spec=spec,
            owner=service.owner if service is not None else kreis,
            source="definition",
            service=service,
            source_name=loaded.source_name,
            source_sha256=loaded.sha256,
            publish=True,
            audit_source=SOURCE,
        )
        counts["forms_created"] += 1
    _load_fim(kreis, counts, say)
    return counts


def _load_fim(kreis: Authority, counts: dict[str, int], say: Any) -> None:
    """Import the demo's own XDatenfelder 2.0 schemas through the importer the admin uses."""
    try:
        importer = importlib.import_module("amtsweg.forms.fim.importer")
        errors = importlib.import_module("amtsweg.forms.fim.errors")
    except ImportError:
        say(_("Hinweis: Der FIM-Import ist nicht installiert; die FIM-Formulare werden übersprungen."))
        return
    for relative, leika in FIM_SCHEMAS:
        path = FIM_DEMO / relative
        # Stored before from the same file? Then there is nothing to do (and no need to parse it again).
        if version_from_file_exists(hashlib.sha256(path.read_bytes()).hexdigest()):
            counts["forms_skipped"] += 1
            continue
        try:
            document = importer.parse_fim(path, allow_missing_code_lists=False)
            if form_version_exists(document.spec.key, document.spec.version):
                counts["forms_skipped"] += 1
                continue
            importer.import_fim(
                path, actor=None, owner=kreis, service=leika, publish=True, allow_missing_code_lists=False
            )
        except (errors.FimImportError, ValidationError) as error:  # a broken demo file is a bug; say so
            say(
                _("Hinweis: FIM-Formular %(file)s nicht importiert: %(error)s")
                % {"file": path.name, "error": error}
            )
            continue
        counts["forms_created"] += 1
