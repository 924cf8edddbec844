"""A file above the size limit is stopped while it arrives: the later handlers (memory, temporary file on
disk) never get more than the limit, and the applicant gets a German 413 page."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from amtsweg.submissions.models import Attachment

from .test_flow import PDF, SCHUELER, SCHULE, Setup, post, setup, start, step_url
from .test_flow import _setup_built as _setup_built  # fixture: the Kreis with its forms, once per module

__all__ = ["setup"]

MB = 1024 * 1024


class DiskProbe(FileUploadHandler):
    """Stands where Django's temporary-file handler stands and notes how many bytes it would write."""

    written: ClassVar[list[int]] = []

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.written.append(0)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.written[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def probe(settings: Any) -> type[DiskProbe]:
    settings.AMTSWEG_UPLOAD_MAX_MB = 1
    settings.FILE_UPLOAD_HANDLERS = [
        *settings.FILE_UPLOAD_HANDLERS[:-1],
        f"{__name__}.DiskProbe",
        settings.FILE_UPLOAD_HANDLERS[-1],
    ]
    DiskProbe.written.clear()
    return DiskProbe


def _big_pdf(megabytes: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "gross.pdf", PDF + b"%" + b"0" * (megabytes * MB), content_type="application/pdf"
    )


def test_a_too_large_upload_is_stopped_at_the_limit_with_a_german_413(
    client: Client, setup: Setup, probe: type[DiskProbe]
) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    answer = post(client, step_url(draft, "schule"), {**SCHULE, "schule.schulbescheinigung": _big_pdf(5)})
    assert answer.status_code == 413
    text = answer.content.decode()
    assert "Die Datei ist zu groß. Erlaubt sind höchstens 1 MB je Datei" in text
    assert not Attachment.objects.exists()
    # Never more than the limit (plus one 64 KB chunk) reached the handler that writes to disk.
    assert probe.written
    assert max(probe.written) <= MB + 64 * 1024


def test_a_file_within_the_limit_still_arrives(client: Client, setup: Setup, probe: type[DiskProbe]) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    small = SimpleUploadedFile("klein.pdf", PDF, content_type="application/pdf")
    answer = post(client, step_url(draft, "schule"), {**SCHULE, "schule.schulbescheinigung": small})
    assert answer.status_code == 302
    assert Attachment.objects.get().original_name == "klein.pdf"


def test_a_request_announcing_more_than_all_files_together_is_not_read(
    client: Client, setup: Setup, settings: Any
) -> None:
    settings.AMTSWEG_UPLOAD_MAX_MB = 1
    settings.AMTSWEG_UPLOAD_MAX_FILES = 2
    draft = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(draft, "schueler"), SCHUELER)
    # Four files of 0.9 MB: each within the limit, together more than 2 × 1 MB + room for the form fields.
    files = {
        f"schule.datei{i}": SimpleUploadedFile(f"d{i}.pdf", PDF + b"0" * (9 * MB // 10)) for i in range(4)
    }
    answer = post(client, step_url(draft, "schule"), {**SCHULE, **files})
    assert answer.status_code == 413
    assert "zu groß" in answer.content.decode()
