"""FIM import from an upload (the admin): the schema file and its genericode code lists.

The files are checked before anything is parsed – only ``.xml`` names, at most ``max_bytes`` each (counted
while they are copied, not trusted from the request), at most :data:`MAX_CODE_LISTS` code lists – and
written under neutral names into a private temporary folder. Then the same :func:`import_fim` as the
command and the demo runs on that folder (safe XML parsing, the official XSD, code lists beside the
schema), with the acting user's permissions. The folder is removed afterwards, whatever happened.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from django.utils.translation import gettext as _

from amtsweg.catalog.models import Service
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import FimImportResult, import_fim
from amtsweg.forms.fim.safe_xml import DEFAULT_MAX_BYTES, _megabytes
from amtsweg.tenants.models import Authority

MAX_CODE_LISTS = 30
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


class UploadedXml(Protocol):
    """What the importer needs of an uploaded file (Django's ``UploadedFile`` fits)."""

    name: str | None

    def chunks(self, chunk_size: int | None = ...) -> Iterable[bytes]: ...


def display_name(upload: UploadedXml) -> str:
    """The file name as the person chose it, without any folder part and at most 120 characters."""
    raw = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return raw[:120] or _("(ohne Namen)")


def _safe_name(name: str, fallback: str) -> str:
    cleaned = _UNSAFE.sub("_", name).strip("._")[:80]
    if not cleaned.lower().endswith(".xml"):
        cleaned = fallback
    return cleaned or fallback


def _check_name(upload: UploadedXml) -> str:
    name = display_name(upload)
    if not name.lower().endswith(".xml"):
        raise FimImportError(
            _("Bitte nur XML-Dateien hochladen (Endung .xml); „%(name)s“ ist keine.") % {"name": name}
        )
    return name


def _copy(upload: UploadedXml, target: Path, max_bytes: int) -> None:
    written = 0
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            written += len(chunk)
            if written > max_bytes:
                raise FimImportError(
                    _("Die Datei ist größer als erlaubt (höchstens %(limit)s MB).")
                    % {"limit": _megabytes(max_bytes)},
                    file=display_name(upload),
                )
            handle.write(chunk)


def import_fim_upload(
    *,
    actor: Any,
    owner: Authority,
    schema: UploadedXml,
    code_lists: Sequence[UploadedXml] = (),
    service: Service | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    audit_source: str = "",
) -> FimImportResult:
    """Store an uploaded XDatenfelder file as a new **draft** version of its form.

    Missing code lists do not stop the import; the report names them. Raises :class:`FimImportError`
    (German, with file and line) for every refusal; nothing is stored then. Permission: the actor must
    edit the catalogue of ``owner`` (and of ``service``, when one is given).
    """
    if len(code_lists) > MAX_CODE_LISTS:
        raise FimImportError(
            _("Bitte höchstens %(count)s Codelisten auf einmal hochladen.") % {"count": MAX_CODE_LISTS}
        )
    schema_name = _check_name(schema)
    names = [_check_name(upload) for upload in code_lists]
    with tempfile.TemporaryDirectory(prefix="amtsweg-fim-") as folder:
        base = Path(folder)
        target = base / _safe_name(schema_name, "schema.xml")
        _copy(schema, target, max_bytes)
        for index, (upload, name) in enumerate(zip(code_lists, names, strict=True), start=1):
            code_list = base / f"codeliste-{index:02d}-{_safe_name(name, 'liste.xml')}"
            _copy(upload, code_list, max_bytes)
        return import_fim(
            target,
            actor=actor,
            owner=owner,
            service=service.slug if service is not None else "",
            publish=False,
            max_bytes=max_bytes,
            allow_missing_code_lists=True,
            audit_source=audit_source,
        )
