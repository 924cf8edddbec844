"""Test support, loaded as a pytest plugin (``-p amtsweg.testing`` in pyproject.toml).

Importing it sets the test environment before pytest-django configures Django, and it offers the
single helper through which tests find the public reference data in ``../shared/data``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

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
