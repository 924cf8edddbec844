"""Test support, loaded as a pytest plugin (``-p amtsweg.testing`` in pyproject.toml).

Importing it sets the test environment before pytest-django configures Django, and it offers the
single helper through which tests find the public reference data in ``../shared/data``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("AMTSWEG_ENVIRONMENT", "test")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Tests serve static files through the finders; an empty folder keeps whitenoise from warning.
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="amtsweg-test-static-"))


def shared_data(*parts: str) -> Path:
    """Path below the reference data folder; skips the calling test with a reason when it is absent."""
    import pytest
    from django.conf import settings

    base = Path(settings.AMTSWEG_SHARED_DATA)
    path = base.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"Referenzdaten fehlen: {path} (AMTSWEG_SHARED_DATA zeigt auf {base})")
    return path


def chromium_path() -> str | None:
    """Debian's Chromium, or another one named by AMTSWEG_CHROMIUM; None when there is none."""
    for candidate in (os.environ.get("AMTSWEG_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def pdf_accessibility_problems(pdf: bytes, *, title: str = "") -> list[str]:
    """What keeps ``pdf`` from being a tagged, accessible German document (empty list: nothing).

    Checks what a screen reader relies on: marked as tagged (``/MarkInfo /Marked true``), a structure
    tree, the document language ``de``, a title that the reader shows (containing ``title`` if given).
    """
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"].get_object()
    problems = []
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not mark_info.get_object().get("/Marked"):
        problems.append("nicht als getaggt markiert (/MarkInfo /Marked)")
    if "/StructTreeRoot" not in root:
        problems.append("kein Strukturbaum (/StructTreeRoot)")
    if str(root.get("/Lang", "")).lower() not in ("de", "de-de"):
        problems.append(f"Sprache nicht de: {root.get('/Lang')!r}")
    viewer = root.get("/ViewerPreferences")
    if viewer is None or not viewer.get_object().get("/DisplayDocTitle"):
        problems.append("Titel wird nicht angezeigt (/DisplayDocTitle)")
    metadata: Any = reader.metadata or {}
    doc_title = str(metadata.get("/Title") or "")
    if not doc_title.strip() or (title and title not in doc_title):
        problems.append(f"Titel fehlt oder falsch: {doc_title!r}")
    return problems
