"""Export in the JSON Lines exchange format, and the round trip export → import without changes."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from amtsweg.catalog.importers.jsonl import export_catalogue_jsonl, import_catalogue_jsonl, service_record
from amtsweg.catalog.models import Service, ServiceVersion
from amtsweg.catalog.services import service_delete
from amtsweg.catalog.tests.factories import (
    KreisFactory,
    LebenslageFactory,
    MaturityLevelFactory,
    MunicipalityFactory,
    OzgLeistungFactory,
    ServiceFactory,
    ThemenfeldFactory,
)
from amtsweg.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue() -> list[Service]:
    """Services as the admin and the demo create them: with texts, links and one unpublished draft."""
    kreis = KreisFactory()
    dülmen = MunicipalityFactory(short_name="Dülmen", ags="05558016")
    schule = LebenslageFactory(code="42", name="Schule")
    familie = ThemenfeldFactory(code="3", name="Bildung")
    level = MaturityLevelFactory(level=3, name="Online-Leistung")
    return [
        ServiceFactory(
            owner=kreis,
            external_id="schuelerfahrkosten",
            name="Schülerfahrkosten",
            short_text="Der Schulträger übernimmt unter Bedingungen die Kosten für den Schulweg.",
            full_text="Für Schülerinnen und Schüler mit weitem Schulweg.\n\nDer Antrag geht an die Schule.",
            required_documents="– Schulbescheinigung\n– Nachweis über die Entfernung",
            fees="Keine",
            leika_key="99022001017003",
            keywords=["Schulweg", "Fahrkarte", "Schülerticket"],
            lebenslagen=[schule],
            themenfeld=familie,
            ozg_leistung=OzgLeistungFactory(ozg_id="10100", name="Schülerbeförderung"),
            maturity_level=level,
            online_url="https://service.example/schuelerfahrkosten",
            audience="buerger",
        ),
        ServiceFactory(
            owner=dülmen,
            external_id="bauantrag-duelmen",
            name="Bauantrag stellen",
            short_text="Für Neubau, Umbau oder Nutzungsänderung brauchen Sie meist eine Baugenehmigung.",
            legal_basis="§ 64 BauO NRW",
            processing_time="etwa 3 Monate",
        ),
        ServiceFactory(owner=kreis, external_id="entwurf", name="Noch nicht fertig", is_published=False),
    ]


def export_text(*, include_unpublished: bool = False) -> str:
    out = io.StringIO()
    export_catalogue_jsonl(out, include_unpublished=include_unpublished)
    return out.getvalue()


def test_export_writes_published_services_sorted_by_id_in_readable_utf8(catalogue: list[Service]) -> None:
    text = export_text()

    lines = text.splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == ["bauantrag-duelmen", "schuelerfahrkosten"]
    assert "Schülerfahrkosten" in text  # umlauts as they are, not \u00fc
    fahrkosten = records[1]
    assert fahrkosten["leika"] == "99022001017003"
    assert fahrkosten["description"].startswith("Für Schülerinnen und Schüler")
    assert fahrkosten["keywords"] == ["Schulweg", "Fahrkarte", "Schülerticket"]
    assert fahrkosten["lebenslagen"] == ["42"]
    assert (fahrkosten["themenfeld"], fahrkosten["ozg_id"]) == ("3", "10100")
    assert (fahrkosten["maturity_level"], fahrkosten["maturity_model"]) == (3, "OZG-Reifegradmodell")
    assert fahrkosten["owner"] == "05558000"
    bauantrag = records[0]
    assert bauantrag["leika"] is None
    assert bauantrag["description"] == bauantrag["short_text"]
    assert bauantrag["full_text"] == ""
    assert bauantrag["owner"] == "05558016"
    assert list(bauantrag)[:5] == ["id", "name", "description", "leika", "keywords"]


def test_all_includes_unpublished_services(catalogue: list[Service]) -> None:
    records = [json.loads(line) for line in export_text(include_unpublished=True).splitlines()]

    assert [r["id"] for r in records] == ["bauantrag-duelmen", "entwurf", "schuelerfahrkosten"]
    assert records[1]["published"] is False


def test_round_trip_changes_nothing(catalogue: list[Service], tmp_path: Path) -> None:
    path = tmp_path / "katalog.jsonl"
    path.write_text(export_text(include_unpublished=True), encoding="utf-8")
    versions = ServiceVersion.objects.count()
    audit = AuditEntry.objects.count()

    report = import_catalogue_jsonl(path)

    assert (report.created, report.updated, report.rejected) == (0, 0, 0)
    assert report.unchanged == 3
    assert ServiceVersion.objects.count() == versions
    assert AuditEntry.objects.count() == audit
    assert export_text(include_unpublished=True) == path.read_text(encoding="utf-8")


def test_round_trip_through_the_commands_and_into_an_empty_catalogue(
    catalogue: list[Service], tmp_path: Path
) -> None:
    path = tmp_path / "export.jsonl"
    err = io.StringIO()
    call_command("export-catalogue", "--all", "--output", str(path), stderr=err)
    assert "3 Leistungen nach" in err.getvalue()
    before = path.read_bytes()
    for service in Service.objects.all():
        service_delete(actor=None, service=service, source="test")

    out = io.StringIO()
    call_command("import-catalogue", str(path), stdout=out)

    assert "Leistungen: 3 neu, 0 geändert, 0 unverändert, 0 abgelehnt" in out.getvalue()
    call_command("export-catalogue", "--all", "--output", str(path), stderr=io.StringIO())
    assert path.read_bytes() == before
    assert not (tmp_path / "export.jsonl.part").exists()


def test_imported_html_round_trips_as_plain_text(tmp_path: Path) -> None:
    KreisFactory()
    source = tmp_path / "quelle.jsonl"
    source.write_text(
        json.dumps(
            {
                "id": "elterngeld",
                "name": "Elterngeld <b>beantragen</b>",
                "description": "<h2>Was ist das?</h2>"
                "<p>Geld für Eltern &amp; Kinder&nbsp;nach der Geburt.</p>"
                "<p>Code wie &lt;script&gt; bleibt Text.</p>",
                "leika": "99 023 003 000 000",
                "keywords": ["Elterngeld", "<i>Basiselterngeld</i>"],
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    import_catalogue_jsonl(source)
    exported = tmp_path / "export.jsonl"
    exported.write_text(export_text(), encoding="utf-8")

    report = import_catalogue_jsonl(exported)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    record = json.loads(exported.read_text(encoding="utf-8"))
    assert record["name"] == "Elterngeld beantragen"
    assert record["description"] == (
        "Was ist das?\n\nGeld für Eltern & Kinder nach der Geburt.\n\nCode wie ‹script> bleibt Text."
    )
    assert record["keywords"] == ["Elterngeld", "Basiselterngeld"]
    assert record["leika"] == "99023003000000"


def test_export_to_standard_output(catalogue: list[Service]) -> None:
    out = io.StringIO()

    call_command("export-catalogue", stdout=out)

    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [
        "bauantrag-duelmen",
        "schuelerfahrkosten",
    ]


DOC = Path(__file__).resolve().parents[4] / "docs" / "formats" / "catalogue.md"


def documented_lines() -> list[str]:
    blocks = re.findall(r"```json\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def test_documented_examples_are_valid_and_match_the_export(catalogue: list[Service], tmp_path: Path) -> None:
    LebenslageFactory(code="47", name="Tierhaltung")
    lines = documented_lines()
    assert len(lines) == 3
    path = tmp_path / "beispiel.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    report = import_catalogue_jsonl(path)

    assert report.rejected == 0, report.rejections()
    assert (report.created, report.updated) == (2, 1)
    exported = json.loads(lines[2])
    assert list(exported) == list(service_record(Service.objects.get(external_id="schuelerfahrkosten")))
    assert Service.objects.get(external_id="hundesteuer").lebenslagen.get().code == "47"
