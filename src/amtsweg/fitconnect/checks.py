"""What a received FIT-Connect submission must pass before it becomes an application in Amtsweg.

Every check that fails gives a :class:`Problem`: a FIT-Connect problem type, a German title and a detail
the sending online service can act on. The reject event carries them (``reject-submission``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from jsonschema import Draft202012Validator

from amtsweg.forms.models import FormVersion

PROBLEMS = "https://schema.fitko.de/fit-connect/events/problems/"
LEIKA_URN = "urn:de:fim:leika:leistung:"
AMTSWEG_SCHEMA_URN = "urn:amtsweg:formular:"
FIM_SCHEMA_URI = re.compile(r"^https://schema\.fitko\.de/fim/(s\d{8})_(\d+(?:\.\d+)*)\.schema\.json$", re.I)
METADATA_URI = re.compile(
    r"^https://schema\.fitko\.de/fit-connect/metadata/(\d+)\.(\d+)\.(\d+)/metadata\.schema\.json$"
)
METADATA_SCHEMAS = {"1.0.0": "metadata.schema.v1.0.0.json", "2.0.0": "metadata.schema.v2.0.0.json",
                    "2.1.0": "metadata.schema.v2.1.0.json"}  # fmt: skip
METADATA_VERSIONS = ["1.0.0", "2.0.0", "2.1.0"]


@dataclass(frozen=True)
class Problem:
    type: str  # last part of the FIT-Connect problem URI
    title: str
    detail: str
    instance: str = "submission"

    def as_event(self) -> dict[str, str]:
        return {
            "type": PROBLEMS + self.type,
            "title": self.title,
            "detail": self.detail,
            "instance": self.instance,
        }


class Rejected(Exception):
    def __init__(self, *problems: Problem) -> None:
        super().__init__("; ".join(p.detail for p in problems))
        self.problems = list(problems)


CORE_SCHEMA = Path(__file__).resolve().parent / "metadata_core.schema.json"


def metadata_schema_path(version: str) -> Path:
    """FITKO's schema of ``version`` from AMTSWEG_FITCONNECT_SCHEMA_DIR, else Amtsweg's own core check.

    The official metadata schemas are not shipped with the package: the operator puts them into that folder
    (docs/fitconnect.md). Without them Amtsweg checks the part of the metadata it relies on (its own schema).
    """
    folder = str(settings.AMTSWEG_FITCONNECT_SCHEMA_DIR or "")
    if folder:
        official = Path(folder) / METADATA_SCHEMAS[version]
        if official.is_file():
            return official
    return CORE_SCHEMA


@cache
def _validator_for(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _metadata_validator(version: str) -> Draft202012Validator:
    return _validator_for(metadata_schema_path(version))


def metadata_version(metadata: dict[str, Any]) -> str:
    """The shipped schema version that checks ``metadata`` (by its ``$schema``; none means 1.0.0)."""
    uri = metadata.get("$schema")
    if uri is None:
        return "1.0.0"
    match = METADATA_URI.match(str(uri))
    if match is None:
        raise Rejected(
            Problem(
                "unsupported-metadata-schema",
                "Metadatenschema nicht unterstützt",
                f"Das Metadatenschema {str(uri)[:200]} ist nicht bekannt. Unterstützt: FIT-Connect-Metadaten "
                f"{', '.join(METADATA_VERSIONS)}.",
                "metadata",
            )
        )
    major, minor = int(match.group(1)), int(match.group(2))
    if major == 1:
        return "1.0.0"
    if major == 2:
        return "2.1.0" if minor >= 1 else "2.0.0"
    raise Rejected(
        Problem(
            "unsupported-metadata-schema",
            "Metadatenschema nicht unterstützt",
            f"Metadaten der Version {major}.{minor} werden nicht unterstützt "
            f"(bekannt: {', '.join(METADATA_VERSIONS)}).",
            "metadata",
        )
    )


def metadata_check(raw: bytes) -> dict[str, Any]:
    """The decrypted metadata as a dict, valid against the FIT-Connect metadata JSON Schema it names."""
    try:
        metadata = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Rejected(
            Problem(
                "syntax-violation",
                "Metadaten nicht lesbar",
                "Die Metadaten sind kein gültiges JSON.",
                "metadata",
            )
        ) from error
    if not isinstance(metadata, dict):
        raise Rejected(
            Problem(
                "syntax-violation",
                "Metadaten nicht lesbar",
                "Die Metadaten sind kein JSON-Objekt.",
                "metadata",
            )
        )
    version = metadata_version(metadata)
    errors = sorted(_metadata_validator(version).iter_errors(metadata), key=lambda e: list(e.absolute_path))
    if errors:
        where = [
            ("/".join(str(p) for p in e.absolute_path) or "(Wurzel)") + f": {e.message[:200]}"
            for e in errors[:5]
        ]
        raise Rejected(
            Problem(
                "schema-violation",
                "Metadaten entsprechen nicht dem Schema",
                f"Die Metadaten verletzen das FIT-Connect-Metadatenschema {version}: " + "; ".join(where),
                "metadata",
            )
        )
    return metadata


def leika_key(identifier: str) -> str:
    return identifier.removeprefix(LEIKA_URN) if identifier.startswith(LEIKA_URN) else ""


def schema_uri_for(version: FormVersion) -> str:
    """The schema URI under which senders name the data of ``version`` (FIM schema or Amtsweg's own)."""
    if version.fim_id and version.fim_version:
        return f"https://schema.fitko.de/fim/{version.fim_id.lower()}_{version.fim_version}.schema.json"
    return f"{AMTSWEG_SCHEMA_URN}{version.form.key}:{version.version}"


def form_version_for(schema: dict[str, Any]) -> FormVersion:
    """The published form version the metadata's ``submissionSchema`` names; else :class:`Rejected`."""
    uri = str(schema.get("schemaUri", ""))
    mime = str(schema.get("mimeType", ""))
    published = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).select_related(
        "form__service"
    )
    version: FormVersion | None = None
    match = FIM_SCHEMA_URI.match(uri)
    if match is not None:
        version = published.filter(fim_id__iexact=match.group(1), fim_version=match.group(2)).first()
    elif uri.startswith(AMTSWEG_SCHEMA_URN):
        key, _, number = uri.removeprefix(AMTSWEG_SCHEMA_URN).rpartition(":")
        version = published.filter(form__key=key, version=number).first()
    if version is None:
        raise Rejected(
            Problem(
                "unsupported-schema",
                "Fachdatenschema nicht unterstützt",
                f"Das Fachdatenschema {uri[:200]} ist bei diesem Zustellpunkt nicht bekannt.",
                "data",
            )
        )
    if mime != "application/json":
        raise Rejected(
            Problem(
                "unsupported-schema",
                "Fachdaten im falschen Format",
                f"Fachdaten werden nur als application/json angenommen, nicht als {mime[:100]}.",
                "data",
            )
        )
    return version
