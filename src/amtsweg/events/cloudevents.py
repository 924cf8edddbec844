"""CloudEvents 1.0 in the structured JSON format: build an event and check it against the official schema.

The schema ships as package data (``standards/cloudevents-1.0.2.schema.json``, see the README there).
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_PATH = Path(__file__).resolve().parent / "standards" / "cloudevents-1.0.2.schema.json"
CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


class EventInvalid(ValueError):
    """An event that does not conform to the CloudEvents JSON Schema."""


@functools.cache
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def event_problems(envelope: Any) -> list[str]:
    """What keeps ``envelope`` from being a valid CloudEvent (empty: nothing)."""
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(Ereignis)'}: {error.message}"
        for error in _validator().iter_errors(envelope)
    ]
    if isinstance(envelope, dict):
        # The schema leaves the four required attributes to the specification; check them as well.
        for name in ("id", "source", "specversion", "type"):
            if not envelope.get(name):
                problems.append(f"{name}: Pflichtattribut fehlt")
    else:
        problems.append("Ein CloudEvent ist ein JSON-Objekt.")
    return problems


def event_validate(envelope: Any) -> None:
    problems = event_problems(envelope)
    if problems:
        raise EventInvalid("; ".join(problems))


def event_build(
    *,
    type: str,
    source: str,
    subject: str,
    data: dict[str, Any],
    time: datetime.datetime,
    id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """A CloudEvent (spec version 1.0) with JSON ``data``; validated before it is returned."""
    envelope = {
        "specversion": "1.0",
        "id": str(id or uuid.uuid4()),
        "source": source,
        "type": type,
        "subject": subject,
        "time": time.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "datacontenttype": "application/json",
        "data": data,
    }
    event_validate(envelope)
    return envelope
