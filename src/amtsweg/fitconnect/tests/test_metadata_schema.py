"""Which schema checks received metadata: FITKO's from the configured folder, else our core check."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from amtsweg.fitconnect import checks
from amtsweg.testing import shared_data


def _metadata(**data: Any) -> dict[str, Any]:
    return {
        "$schema": "https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json",
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": "a" * 128},
                "submissionSchema": {
                    "schemaUri": "https://schema.fitko.de/fim/s00000121_1.0.0.schema.json",
                    "mimeType": "application/json",
                },
            },
            "attachments": [
                {
                    "hash": {"type": "sha512", "content": "b" * 128},
                    "purpose": "attachment",
                    "mimeType": "application/pdf",
                    "attachmentId": str(uuid.uuid4()),
                }
            ],
        },
        **data,
    }


@pytest.mark.parametrize("official", [False, True])
def test_valid_metadata_pass_and_a_wrong_hash_type_is_refused(
    settings: SettingsWrapper, official: bool
) -> None:
    settings.AMTSWEG_FITCONNECT_SCHEMA_DIR = str(shared_data("fitconnect")) if official else ""
    expected = "metadata.schema.v2.1.0.json" if official else "metadata_core.schema.json"
    assert checks.metadata_schema_path("2.1.0").name == expected

    assert checks.metadata_check(json.dumps(_metadata()).encode())["contentStructure"]
    wrong = _metadata()
    wrong["contentStructure"]["data"]["hash"]["type"] = "md5"
    with pytest.raises(checks.Rejected) as refused:
        checks.metadata_check(json.dumps(wrong).encode())
    assert refused.value.problems[0].type == "schema-violation"
    assert "contentStructure/data/hash/type" in refused.value.problems[0].detail


def test_a_folder_without_the_schema_falls_back_to_the_core_check(
    settings: SettingsWrapper, tmp_path: Any
) -> None:
    settings.AMTSWEG_FITCONNECT_SCHEMA_DIR = str(tmp_path)
    assert checks.metadata_schema_path("2.0.0") == checks.CORE_SCHEMA
