"""Uploads (Nachweise) on a draft: checked by content, size and count, stored through Django's storage API.

The type is decided by the file's first bytes (``filetype``), never by the name or the browser's
``Content-Type``; the name's extension must agree with it, so a program renamed to ``.pdf`` is refused.
Accepted are PDF, PNG and JPEG – what scanners and phones produce and every caseworker can open without
risk (see docs/decisions/0010-submission-intake.md). Files are stored under a random name
(``attachments/JJJJ/MM/<uuid>.<ext>``) in ``default_storage``: the local ``MEDIA_ROOT`` or an
S3-compatible bucket, depending on ``STORAGE_BACKEND``. The name the applicant gave is kept, cleaned,
only for display.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.core.text import is_index
from amtsweg.forms.spec import FieldSpec
from amtsweg.submissions.models import Attachment, Draft

SNIFF_BYTES = 8192
NAME_MAX = 120


@dataclass(frozen=True)
class FileKind:
    mime: str
    extension: str  # used for the stored name
    extensions: frozenset[str]  # accepted in the applicant's file name
    label: str


ALLOWED_KINDS: dict[str, FileKind] = {
    "application/pdf": FileKind("application/pdf", "pdf", frozenset({"pdf"}), "PDF"),
    "image/png": FileKind("image/png", "png", frozenset({"png"}), "PNG"),
    "image/jpeg": FileKind("image/jpeg", "jpg", frozenset({"jpg", "jpeg"}), "JPEG"),
}


def allowed_types_label() -> str:
    """„PDF, PNG oder JPEG“ – for error messages and the hint next to a file field."""
    labels = [kind.label for kind in ALLOWED_KINDS.values()]
    return _("%(list)s oder %(last)s") % {"list": ", ".join(labels[:-1]), "last": labels[-1]}


def max_file_bytes(draft: Draft | None = None) -> int:
    """The size limit per file: the installation's, lowered by the form's own limit."""
    megabytes = settings.AMTSWEG_UPLOAD_MAX_MB
    if draft is not None:
        megabytes = min(megabytes, draft.form_version.spec().max_attachment_mb or megabytes)
    return int(megabytes * 1024 * 1024)


def max_files(draft: Draft | None = None) -> int:
    """How many files a draft may carry: the installation's limit, lowered by the form's own limit."""
    count = settings.AMTSWEG_UPLOAD_MAX_FILES
    if draft is not None:
        count = min(count, draft.form_version.spec().max_attachments or count)
    return int(count)


def clean_file_name(name: str) -> str:
    """A harmless display name: no folders, no control or separator characters, limited length."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] not in {"C", "Z"} or ch == " ")
    name = re.sub(r"[<>:\"|?*]", "_", name).strip(" .")
    if len(name) > NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: NAME_MAX - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:NAME_MAX]
    return name or _("Datei")


def _extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def _file_field(draft: Draft, field_path: str) -> FieldSpec:
    """The file field at ``field_path`` (indexes of repeating groups, ``kinder.0.nachweis``, allowed)."""
    schema_path = ".".join(part for part in field_path.split(".") if not is_index(part))
    child = draft.form_version.spec().element_at(schema_path) if schema_path else None
    if child is None or not isinstance(child.element, FieldSpec) or child.element.datatype != "file":
        raise ValidationError(_("In diesem Formular gibt es kein Feld für Dateien mit dieser Bezeichnung."))
    return child.element


def _inspect(file: Any, limit: int) -> tuple[bytes, int, str]:
    """First bytes, size and SHA-256, reading the file once in chunks (and stopping above the limit)."""
    digest = hashlib.sha256()
    head = b""
    size = 0
    file.seek(0)
    for chunk in file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b""):
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        size += len(chunk)
        if size > limit:
            break
        digest.update(chunk)
    file.seek(0)
    return head, size, digest.hexdigest()


def _size_label(size: int) -> str:
    megabytes = size / 1024 / 1024
    return (f"{megabytes:.1f}".replace(".", ",") + " MB") if megabytes >= 1 else f"{max(1, size // 1024)} KB"


def attachment_add(*, draft: Draft, field_path: str, file: Any, actor: Any) -> Attachment:
    """Check ``file`` and store it as an attachment of ``draft`` for the file field ``field_path``.

    Raises ``ValidationError`` with a German message for a wrong type, a name that does not match the
    content, an empty or too large file, or one file too many; nothing is stored then. ``actor`` is the
    person uploading (the caller has checked that the draft is theirs).
    """
    _file_field(draft, field_path)
    name = clean_file_name(getattr(file, "name", ""))
    limit = max_file_bytes(draft)
    head, size, sha256 = _inspect(file, limit)
    if size == 0:
        raise ValidationError(_("Die Datei „%(name)s“ ist leer.") % {"name": name})
    if size > limit:
        raise ValidationError(
            _("Die Datei „%(name)s“ ist zu groß. Erlaubt sind höchstens %(limit)s je Datei.")
            % {"name": name, "limit": _size_label(limit)}
        )
    guessed = filetype.guess(head)
    kind = ALLOWED_KINDS.get(guessed.mime) if guessed is not None else None
    if kind is None:
        raise ValidationError(
            _(
                "Die Datei „%(name)s“ ist keine %(types)s-Datei. Bitte laden Sie Ihre Nachweise "
                "als %(types)s hoch."
            )
            % {"name": name, "types": allowed_types_label()}
        )
    if _extension(name) not in kind.extensions:
        raise ValidationError(
            _(
                "Der Name der Datei „%(name)s“ passt nicht zu ihrem Inhalt: "
                "Sie enthält ein %(label)s-Dokument. "
                "Bitte prüfen Sie, ob Sie die richtige Datei gewählt haben."
            )
            % {"name": name, "label": kind.label}
        )
    now = timezone.now()
    storage_name = f"attachments/{now:%Y/%m}/{uuid.uuid4().hex}.{kind.extension}"
    stored = ""
    try:
        with transaction.atomic():
            # Lock the draft so that two uploads at once cannot both take the last free place.
            locked = Draft.objects.select_for_update().only("pk").get(pk=draft.pk)
            if Attachment.objects.filter(draft=locked).count() >= max_files(draft):
                raise ValidationError(
                    _(
                        "Sie können höchstens %(count)s Dateien hochladen. "
                        "Entfernen Sie zuerst eine andere Datei."
                    )
                    % {"count": max_files(draft)}
                )
            file.seek(0)
            stored = default_storage.save(storage_name, File(file, name=storage_name))
            attachment = Attachment(
                draft=locked,
                field_path=field_path,
                original_name=name,
                content_type=kind.mime,
                size=size,
                sha256=sha256,
            )
            attachment.file.name = stored
            attachment.save()
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return attachment


def attachment_remove(*, attachment: Attachment, actor: Any) -> None:
    """Remove an attachment of a draft and its file (after the commit, so a rollback keeps both).

    Attachments of a submission are part of the record and cannot be removed here.
    """
    if attachment.submission_id is not None:
        raise ValidationError(_("Eine Datei eines abgeschickten Antrags kann nicht mehr entfernt werden."))
    name = attachment.file.name
    with transaction.atomic():
        attachment.delete()
        if name:
            transaction.on_commit(lambda: default_storage.delete(name))


def attachment_size_label(size: int) -> str:
    """„2,4 MB“ / „312 KB“ for pages, receipts and e-mails."""
    return _size_label(size)
