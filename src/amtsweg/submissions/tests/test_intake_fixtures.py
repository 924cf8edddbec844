"""Shared test data of the intake tests (imported by test_intake, test_uploads, test_receipts, test_api).

A small Kreis with one town that has its own Steueramt, the service "Hundesteuer", and a published form
with a person group, a repeating group with a code list, a file field and a required consent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from amtsweg.catalog.models import Service
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    MunicipalityFactory,
    OrgUnitFactory,
    ResponsibilityFactory,
    ServiceFactory,
)
from amtsweg.forms.models import FormVersion
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import ChildSpec, CodeEntry, CodeListSpec, FieldSpec, FormSpec, GroupSpec
from amtsweg.submissions.drafts import draft_start
from amtsweg.submissions.models import Draft
from amtsweg.tenants.models import Authority, OrgUnit

FORM_KEY = "hundesteuer-anmeldung"


def hundesteuer_spec(version: str = "1.0") -> FormSpec:
    def text(key: str, label: str, **kw: Any) -> FieldSpec:
        return FieldSpec(key=key, name=key, label=label, **kw)

    return FormSpec(
        key=FORM_KEY,
        version=version,
        title="Anmeldung zur Hundesteuer",
        code_lists={
            "rassen": CodeListSpec(
                key="rassen",
                name="Rassen",
                entries=(CodeEntry("01", "Mischling"), CodeEntry("02", "Dackel (Teckel)")),
            )
        },
        root=GroupSpec(
            key="root",
            name="root",
            label="Anmeldung zur Hundesteuer",
            children=(
                ChildSpec(
                    GroupSpec(
                        key="antragsteller",
                        name="antragsteller",
                        label="Antragstellende Person",
                        children=(
                            ChildSpec(text("vorname", "Vorname"), min=1),
                            ChildSpec(text("familienname", "Familienname"), min=1),
                            ChildSpec(text("email", "E-Mail-Adresse")),
                        ),
                    ),
                    min=1,
                ),
                ChildSpec(
                    GroupSpec(
                        key="hund",
                        name="hund",
                        label="Angaben zum Hund",
                        children=(
                            ChildSpec(text("name", "Name des Hundes"), min=1),
                            ChildSpec(
                                text("rasse", "Rasse", input="select", code_list="rassen"),
                                min=1,
                            ),
                            ChildSpec(text("geburtsdatum", "Geburtsdatum", datatype="date")),
                        ),
                    ),
                    min=1,
                    max=3,
                ),
                ChildSpec(text("steuerbetrag", "Erwartete Steuer", datatype="currency")),
                ChildSpec(
                    text("nachweis", "Nachweis der Haftpflichtversicherung", datatype="file", input="file")
                ),
                ChildSpec(
                    text("zustimmung", "Ich versichere, dass meine Angaben stimmen.", datatype="bool"), min=1
                ),
            ),
        ),
    )


def valid_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "antragsteller": {
            "vorname": "Jürgen",
            "familienname": "Müller-Lüdenscheidt",
            "email": "juergen@example.org",
        },
        "hund": [{"name": "Bello", "rasse": "02", "geburtsdatum": "2024-03-01"}],
        "steuerbetrag": 1234.5,
        "zustimmung": True,
    }
    data.update(changes)
    return data


@dataclass
class World:
    kreis: Authority
    town: Authority
    steueramt: OrgUnit
    service: Service
    version: FormVersion

    def draft(self, *, actor: Any = None, data: dict[str, Any] | None = None) -> Draft:
        draft, _token = draft_start(form_version=self.version, actor=actor, municipality=self.town)
        draft.data = valid_data() if data is None else data
        draft.save(update_fields=["data"])
        return draft


def build_world() -> World:
    kreis = KreisFactory()
    town = MunicipalityFactory(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558016", parent=kreis
    )
    steueramt = OrgUnitFactory(authority=town, number="20.2", name="Steueramt", function="steuern")
    service = ServiceFactory(owner=kreis, name="Hundesteuer anmelden", slug="hundesteuer-anmelden")
    ResponsibilityFactory(service=service, org_unit_function="steuern")
    version = form_version_create(
        actor=None, spec=hundesteuer_spec(), owner=kreis, source="definition", service=service, publish=True
    )
    return World(kreis=kreis, town=town, steueramt=steueramt, service=service, version=version)


# ---- files ----------------------------------------------------------------------------------------


def pdf_bytes(pages: int = 1, text: str = "") -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if text:
        writer.add_metadata({"/Title": text})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(kind: str = "PNG") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" * 64
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
