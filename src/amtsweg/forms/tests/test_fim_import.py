"""``amtsweg import-fim`` end to end: stored versions, service links, publishing, re-import, errors."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from amtsweg.catalog.tests.factories import KreisFactory, MunicipalityFactory, ServiceFactory
from amtsweg.core.models import AuditEntry
from amtsweg.forms.fim.errors import FimImportError
from amtsweg.forms.fim.importer import import_fim
from amtsweg.forms.models import Form, FormVersion
from amtsweg.testing import shared_data

pytestmark = pytest.mark.django_db

LEIKA_BEWOHNERPARKEN = "99058008261000"


@pytest.fixture
def bewohnerparken() -> Path:
    return shared_data("fim", "real", "bewohnerparken_S05000058", "S05000058V1.0_xdf2.xml")


def run(*args: str, **options: object) -> str:
    out = StringIO()
    call_command("import-fim", *args, stdout=out, **options)
    return out.getvalue()


def test_the_command_stores_a_draft_version_linked_to_the_service(bewohnerparken: Path) -> None:
    kreis = KreisFactory()
    service = ServiceFactory(owner=kreis, name="Bewohnerparkausweis", leika_key=LEIKA_BEWOHNERPARKEN)

    output = run(str(bewohnerparken), "--service", LEIKA_BEWOHNERPARKEN)

    form = Form.objects.get()
    assert (form.key, form.title, form.owner, form.service, form.source) == (
        "S05000058",
        "Antrag auf Erteilung / Verlängerung Bewohnerparkausweis",
        kreis,
        service,
        "fim",
    )
    version = form.versions.get()
    assert (version.version, version.status, version.fim_id, version.fim_version, version.fim_standard) == (
        "1.0",
        FormVersion.Status.DRAFT,
        "S05000058",
        "1.0",
        "xdf2",
    )
    assert version.source_name == "S05000058V1.0_xdf2.xml"
    assert len(version.source_sha256) == 64
    assert version.json_schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    spec = version.spec()
    assert len(spec.code_lists) == 6
    assert {r.kind for r in spec.rules} == {"require"}
    assert "importiert" in output
    assert "Bewohnerparkausweis" in output
    assert AuditEntry.objects.filter(action="form.version_created").count() == 1


def test_publish_makes_the_version_the_one_applicants_fill_in(bewohnerparken: Path) -> None:
    KreisFactory()

    run(str(bewohnerparken), "--publish")

    form = Form.objects.get()
    assert form.service is None
    assert form.published_version() == form.versions.get()


def test_importing_the_same_version_again_is_refused_and_adds_nothing(bewohnerparken: Path) -> None:
    KreisFactory()
    run(str(bewohnerparken))

    with pytest.raises(CommandError, match=r"gibt es in Version 1\.0 schon"):
        run(str(bewohnerparken))

    assert FormVersion.objects.count() == 1
    assert Form.objects.count() == 1


def test_the_owner_can_be_a_municipality(bewohnerparken: Path) -> None:
    town = MunicipalityFactory(slug="duelmen")

    run(str(bewohnerparken), "--owner", "duelmen")

    assert Form.objects.get().owner == town


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--owner", "99999999", "Die Behörde „99999999“"),
        ("--service", "99000000000000", "LeiKa-Schlüssel 99000000000000 gibt es im Katalog nicht"),
        ("--service", "kein-schluessel", "weder ein LeiKa-Schlüssel"),
    ],
)
def test_unknown_owner_or_service_stores_nothing(
    bewohnerparken: Path, option: str, value: str, message: str
) -> None:
    KreisFactory()

    with pytest.raises(CommandError, match=message):
        run(str(bewohnerparken), option, value)

    assert not Form.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Die Datei gibt es nicht"):
        run(str(tmp_path / "fehlt.xml"))


def test_the_xsd_folder_option_overrides_the_setting(bewohnerparken: Path, tmp_path: Path) -> None:
    KreisFactory()

    with pytest.raises(CommandError, match="AMTSWEG_FIM_XSD_DIR"):
        run(str(bewohnerparken), "--xsd-dir", str(tmp_path))

    assert not Form.objects.exists()


def test_strict_import_refuses_missing_code_lists_and_stores_nothing() -> None:
    KreisFactory()
    gewerbe = shared_data("fim", "real", "gewerbeanmeldung_S00000009", "S00000009_xdatenfelder.xml")

    with pytest.raises(CommandError, match="urn:de:bund:destatis"):
        run(str(gewerbe), "--strict-code-lists")
    assert not Form.objects.exists()


def test_missing_code_lists_are_recorded_and_reported(tmp_path: Path) -> None:
    KreisFactory()
    gewerbe = shared_data("fim", "real", "gewerbeanmeldung_S00000009", "S00000009_xdatenfelder.xml")

    output = run(str(gewerbe))

    version = FormVersion.objects.get()
    assert version.version == "0-2018-12-06"
    assert "Codeliste „urn:xoev-de:xgewerbeanzeige:codeliste:rechtsformen_3“ fehlt" in output
    assert "keine Versionsnummer" in output


def test_a_synthetic_xdf2_fixture_with_a_group_rule_imports(tmp_path: Path) -> None:
    KreisFactory()

    result = import_fim(shared_data("fim", "synthetic", "flxbe_v2", "data-group-rule.xml"))

    assert result.version.form.key == "T1234"
    rule = result.spec.rules[0]
    assert (rule.kind, rule.scope, rule.description) == ("info", "G00000082", "Eine Definition")


def test_import_errors_carry_the_file_name(bewohnerparken: Path) -> None:
    KreisFactory()
    import_fim(bewohnerparken)

    with pytest.raises(FimImportError) as caught:
        import_fim(bewohnerparken)
    assert caught.value.file == "S05000058V1.0_xdf2.xml"
