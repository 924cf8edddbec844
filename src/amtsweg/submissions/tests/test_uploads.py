"""Uploads are checked by content, name, size and count; a refused file leaves nothing in storage."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from amtsweg.submissions.models import Attachment
from amtsweg.submissions.tests.test_intake_fixtures import (
    EXE_BYTES,
    HTML_BYTES,
    World,
    build_world,
    image_bytes,
    pdf_bytes,
    upload,
)
from amtsweg.submissions.uploads import attachment_add, attachment_remove
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db


@module_world
def _world_built() -> World:
    return build_world()


@pytest.fixture
def world(_world_built: World, db: None) -> World:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("Versicherung.pdf", pdf_bytes(), "application/pdf"),
        ("Foto.PNG", image_bytes("PNG"), "image/png"),
        ("Scan.jpeg", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_real_documents_are_accepted_and_stored_under_a_random_name(
    world: World, media: Path, name: str, content: bytes, mime: str
) -> None:
    draft = world.draft()
    attachment = attachment_add(draft=draft, field_path="nachweis", file=upload(name, content), actor=None)
    assert (attachment.original_name, attachment.content_type, attachment.size) == (name, mime, len(content))
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert attachment.file.name.startswith("attachments/")
    assert name not in attachment.file.name
    stored = _stored_files(media)
    assert len(stored) == 1
    assert stored[0].read_bytes() == content


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("Antrag.pdf", EXE_BYTES, "ist keine PDF, PNG oder JPEG-Datei"),
        ("Bild.png", HTML_BYTES, "ist keine PDF, PNG oder JPEG-Datei"),
        ("Nachweis.png", pdf_bytes(), "passt nicht zu ihrem Inhalt: Sie enthält ein PDF-Dokument"),
        ("Nachweis", pdf_bytes(), "passt nicht zu ihrem Inhalt"),
        ("leer.pdf", b"", "ist leer"),
    ],
)
def test_bad_files_are_refused_in_german_and_nothing_is_stored(
    world: World, media: Path, name: str, content: bytes, message: str
) -> None:
    draft = world.draft()
    with pytest.raises(ValidationError) as raised:
        attachment_add(draft=draft, field_path="nachweis", file=upload(name, content), actor=None)
    assert message in raised.value.messages[0]
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []


def test_a_file_above_the_size_limit_is_refused(world: World, media: Path, settings: Any) -> None:
    settings.AMTSWEG_UPLOAD_MAX_MB = 1
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    with pytest.raises(ValidationError) as raised:
        attachment_add(draft=world.draft(), field_path="nachweis", file=upload("gross.pdf", big), actor=None)
    assert "ist zu groß. Erlaubt sind höchstens 1,0 MB je Datei." in raised.value.messages[0]
    assert _stored_files(media) == []


def test_one_file_too_many_is_refused(world: World, media: Path, settings: Any) -> None:
    settings.AMTSWEG_UPLOAD_MAX_FILES = 2
    draft = world.draft()
    for number in range(2):
        attachment_add(
            draft=draft, field_path="nachweis", file=upload(f"{number}.pdf", pdf_bytes()), actor=None
        )
    with pytest.raises(ValidationError) as raised:
        attachment_add(draft=draft, field_path="nachweis", file=upload("drei.pdf", pdf_bytes()), actor=None)
    assert "höchstens 2 Dateien" in raised.value.messages[0]
    assert draft.attachments.count() == 2
    assert len(_stored_files(media)) == 2


def test_names_are_cleaned(world: World, media: Path) -> None:
    attachment = attachment_add(
        draft=world.draft(),
        field_path="nachweis",
        file=upload("../../etc/\x00Nachweis\u202e<Hündin>.pdf", pdf_bytes()),
        actor=None,
    )
    assert attachment.original_name == "Nachweis_Hündin_.pdf"
    assert all(path.is_relative_to(media) for path in _stored_files(media))


def test_only_file_fields_take_files(world: World, media: Path) -> None:
    with pytest.raises(ValidationError) as raised:
        attachment_add(
            draft=world.draft(), field_path="hund.name", file=upload("a.pdf", pdf_bytes()), actor=None
        )
    assert "kein Feld für Dateien" in raised.value.messages[0]
    assert _stored_files(media) == []


def test_removing_an_attachment_deletes_its_file_after_the_commit(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    attachment = attachment_add(
        draft=world.draft(), field_path="nachweis", file=upload("a.pdf", pdf_bytes()), actor=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        attachment_remove(attachment=attachment, actor=None)
    assert not Attachment.objects.exists()
    assert _stored_files(media) == []
