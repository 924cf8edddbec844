"""Import a FIM data schema (XDatenfelder 2.0 or 3.0) as a form version.

Order of work: size limit → safe XML parse (no DTD, entities, network) → version from the root namespace →
validation against the official XSD → form model (:func:`parse_fim`, no database) → one transaction that
stores the version through :func:`amtsweg.forms.services.form_version_create` (:func:`import_fim`).
Every refusal is a :class:`FimImportError` with file, line and a German reason; nothing is stored then.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_edit_catalog
from amtsweg.catalog.models import Service
from amtsweg.catalog.validators import is_valid_leika_key, normalize_leika_key
from amtsweg.forms.fim.builder import Builder
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.safe_xml import DEFAULT_MAX_BYTES, parse_bytes, read_limited
from amtsweg.forms.fim.xdf2 import Xdf2Builder
from amtsweg.forms.fim.xdf3 import Xdf3Builder
from amtsweg.forms.fim.xsd import XDF2, detect_standard, validate, xsd_folder
from amtsweg.forms.models import FormVersion
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import FormSpec
from amtsweg.tenants.models import Authority


@dataclass
class FimDocument:
    """A parsed FIM file: the form model, notes for the operator and where it came from."""

    spec: FormSpec
    standard: str
    source_name: str
    sha256: str
    warnings: list[str] = field(default_factory=list)


@dataclass
class FimImportResult:
    document: FimDocument
    version: FormVersion
    service: Service | None

    @property
    def spec(self) -> FormSpec:
        return self.document.spec


def parse_fim(
    path: Path | str,
    *,
    xsd_dir: Path | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_missing_code_lists: bool = True,
) -> FimDocument:
    """Read, check and convert one XDatenfelder file; genericode lists are looked up beside it."""
    path = Path(path)
    data = read_limited(path, max_bytes)
    tree = parse_bytes(data, path.name)
    standard = detect_standard(tree, path.name)
    validate(tree, standard, path.name, xsd_folder(xsd_dir))
    builder_class: type[Builder] = Xdf2Builder if standard is XDF2 else Xdf3Builder
    result = builder_class(
        tree,
        name=path.name,
        folder=path.parent,
        source=path,
        allow_missing_code_lists=allow_missing_code_lists,
        max_bytes=max_bytes,
    ).build()
    return FimDocument(
        spec=result.spec,
        standard=standard.code,
        source_name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=result.warnings,
    )


def import_fim(
    path: Path | str,
    *,
    actor: Any = None,
    owner: Authority | str | None = None,
    service: str = "",
    publish: bool = False,
    xsd_dir: Path | str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_missing_code_lists: bool = True,
    audit_source: str = "",
) -> FimImportResult:
    """Parse ``path`` and store it as a new form version in one transaction.

    ``owner`` is an :class:`Authority`, its AGS or slug, or ``None`` for the Kreis of this installation.
    ``service`` is a LeiKa key (or service slug) to link; without it the service is linked when the
    schema names a LeiKa key that is in the catalogue.
    """
    document = parse_fim(
        path, xsd_dir=xsd_dir, max_bytes=max_bytes, allow_missing_code_lists=allow_missing_code_lists
    )
    authority = resolve_owner(owner)
    linked = (
        find_service(service, authority, actor=actor)
        if service
        else auto_service(document.spec, authority, actor=actor)
    )
    try:
        with transaction.atomic():
            version = form_version_create(
                actor=actor,
                spec=document.spec,
                owner=authority,
                source="fim",
                service=linked,
                source_name=document.source_name,
                source_sha256=document.sha256,
                publish=publish,
                audit_source=audit_source or f"import-fim {document.source_name}",
                notes=document.warnings,
            )
    except ValidationError as error:
        raise FimImportError(" ".join(error.messages), file=document.source_name) from error
    return FimImportResult(document=document, version=version, service=linked)


def resolve_owner(owner: Authority | str | None) -> Authority:
    if isinstance(owner, Authority):
        return owner
    reference = (owner or settings.AMTSWEG_KREIS_AGS).strip()
    found = Authority.objects.filter(Q(ags=reference) | Q(slug=reference)).first()
    if found is None:
        raise FimImportError(
            _(
                "Die Behörde „%(owner)s“ (Amtlicher Gemeindeschlüssel oder Kürzel) gibt es nicht. "
                "Bitte zuerst den Kreis und seine Gemeinden aus dem Gemeindeverzeichnis anlegen "
                "(amtsweg import-municipalities, siehe docs/first-run.md) oder mit --owner eine vorhandene "
                "angeben."
            )
            % {"owner": reference}
        )
    return found


def _services_for_key(key: str, owner: Authority, actor: Any = None) -> list[Service]:
    """Services with the LeiKa ``key`` that ``actor`` may link: the owner's own entry first, then
    published ones."""
    candidates = [
        service
        for service in Service.objects.filter(leika_key=key).select_related("owner").order_by("pk")
        if can_edit_catalog(actor, service.owner)
    ]
    return sorted(candidates, key=lambda s: (s.owner_id != owner.pk, not s.is_published, s.pk))


def find_service(reference: str, owner: Authority, *, actor: Any = None) -> Service:
    key = normalize_leika_key(reference)
    if is_valid_leika_key(key):
        found = _services_for_key(key, owner, actor)
        if found:
            return found[0]
        if Service.objects.filter(leika_key=key).exists():
            raise FimImportError(
                _(
                    "Die Leistung mit dem LeiKa-Schlüssel %(key)s gehört zu einer Behörde, für die Sie "
                    "keine Leistungen pflegen."
                )
                % {"key": key}
            )
        raise FimImportError(
            _("Eine Leistung mit dem LeiKa-Schlüssel %(key)s gibt es im Katalog nicht.") % {"key": key}
        )
    by_slug = Service.objects.filter(slug=reference.strip()).select_related("owner").first()
    if by_slug is None:
        raise FimImportError(
            _(
                "„%(value)s“ ist weder ein LeiKa-Schlüssel (14 Ziffern, beginnend mit 99) noch das Kürzel "
                "einer Leistung."
            )
            % {"value": reference}
        )
    if not can_edit_catalog(actor, by_slug.owner):
        raise FimImportError(
            _("Die Leistung „%(name)s“ gehört zu einer Behörde, für die Sie keine Leistungen pflegen.")
            % {"name": by_slug.name}
        )
    return by_slug


def auto_service(spec: FormSpec, owner: Authority, *, actor: Any = None) -> Service | None:
    """The first catalogue service with one of the schema's LeiKa keys that ``actor`` may link."""
    for key in spec.leika_keys:
        found = _services_for_key(key, owner, actor)
        if found:
            return found[0]
    return None
