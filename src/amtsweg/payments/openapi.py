"""The XBezahldienste 1.2 OpenAPI document (package data) and checks of messages against its schemas.

Both sides use it: the provider plugin checks what it sends and what it gets, the simulator what it gets and
what it answers. ``openapi-schema-validator`` implements the OpenAPI 3.0 schema dialect (``exclusiveMinimum:
true``, ``discriminator`` …), which plain JSON Schema validators get wrong.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

SPEC_PATH = Path(__file__).resolve().parent / "standards" / "XBezahldienste-v1.2.0.openapi.yaml"
VERSION = "1.2.0"


@functools.cache
def spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def _validator(name: str) -> OAS30Validator:
    document = spec()
    return OAS30Validator({"$ref": f"#/components/schemas/{name}", "components": document["components"]})


def schema_problems(name: str, instance: Any) -> list[str]:
    """What keeps ``instance`` from matching the component schema ``name`` (empty: nothing)."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or name}: {error.message}"
        for error in _validator(name).iter_errors(instance)
    ]
