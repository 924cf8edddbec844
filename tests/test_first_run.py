"""The documented first run (docs/first-run.md) for a Kreis that is not Coesfeld: Kreis Borken, from zero.

Every step runs as the operator runs it – the commands of the guide, in its order – on an empty database
and without ``../shared``: the register, the OZG/LeiKa catalogue, the services, default responsibilities
from the LeiKa type, the gap report, a FIM form, and submissions that reach the right town.
"""

from __future__ import annotations

import json
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from amtsweg.cases.models import Case
from amtsweg.catalog.models import LeikaEntry, Responsibility, Service
from amtsweg.catalog.selectors import municipalities, municipalities_for_postcode, responsibility_resolve
from amtsweg.catalog.services import responsibility_save
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data" / "first_run"
REGISTER = (
    Path(__file__).parents[1] / "src" / "amtsweg" / "tenants" / "tests" / "data" / "gv-isys-kreis-borken.csv"
)
BORKEN = {"AMTSWEG_KREIS_AGS": "05554000", "AMTSWEG_SITE_NAME": "Amtsweg Kreis Borken"}
FIM_GEWERBE = Path(__file__).parents[1] / "src/amtsweg/demo/demo_data/fim/gewerbeanmeldung/S99200001_xdf2.xml"
GEWERBE_DATA = {
    "G99200001": {
        "F99200001": "Muster",
        "F99200002": "Erika",
        "F99200003": "erika@example.org",
        "G99200002": {
            "F99200011": "Hauptstraße",
            "F99200012": "1",
            "F99200013": "48619",
            "F99200014": "Heek",
        },
    },
    "G99200003": {
        "F99200021": "01",
        "F99200023": "Reparatur von Fahrrädern",
        "F99200024": "2027-01-04",
        "F99200025": 0,
    },
}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def gaps() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("responsibility-gaps", stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


@override_settings(**BORKEN)
def test_kreis_borken_from_zero_to_a_routed_submission(client: Client) -> None:
    # 1. The Kreis, its 17 towns and their postcodes from the municipality register.
    output = run("import-municipalities", str(REGISTER))
    assert "18 neu" in output
    assert [town.short_name for town in municipalities()][:3] == ["Ahaus", "Bocholt", "Borken"]
    assert municipalities().count() == 17
    kreis = Authority.objects.get(ags="05554000")
    heek = Authority.objects.get(ags="05554024")
    bocholt = Authority.objects.get(ags="05554008")
    assert municipalities_for_postcode("48619") == [heek]

    # 2. The OZG/LeiKa catalogue; the "nicht im LeiKa" row is reported, not imported.
    output = run("import-ozg-catalogue", str(DATA / "ozg"))
    assert LeikaEntry.objects.count() == 5
    assert "nicht im LeiKa" in output

    # 3. The Kreis's services (the owner defaults to the Kreis of this installation).
    run("import-catalogue", str(DATA / "leistungen.jsonl"))
    assert Service.objects.filter(owner=kreis).count() == 6
    gewerbe = Service.objects.get(external_id="bor-gewerbe-anmelden")

    # 4. Default responsibilities from the LeiKa type.
    output = run("responsibilities-from-leika")
    assert "4 Regeln angelegt (Kreis: 1, eigene Stadt oder Gemeinde: 3)" in output
    assert "Führungszeugnis beantragen: LeiKa-Typ 1" in output
    assert "Fahrzeug zulassen: Kein LeiKa-Schlüssel" in output
    bafoeg = Service.objects.get(external_id="bor-bafoeg")
    assert responsibility_resolve(bafoeg, heek).authority == kreis  # type: ignore[union-attr]
    assert responsibility_resolve(gewerbe, heek).authority == heek  # type: ignore[union-attr]
    grab = Service.objects.get(external_id="bor-grabstelle")  # key below a LeiKa object of type 5
    assert responsibility_resolve(grab, bocholt).authority == bocholt  # type: ignore[union-attr]

    # 5. The report names the two services nobody serves yet, in every town.
    status, output = gaps()
    assert status == 1
    assert "Heek: 2 Leistungen ohne zuständige Stelle" in output
    assert "Insgesamt 34 Lücken" in output

    # 6. The Fachadmin closes them: the Kreis registers vehicles; the Führungszeugnis is applied for at
    #    the town (Typ 1 had no default); and one town-specific override.
    kfz = Service.objects.get(external_id="bor-kfz-zulassung")
    zeugnis = Service.objects.get(external_id="bor-fuehrungszeugnis")
    parking = Service.objects.get(external_id="bor-bewohnerparkausweis")
    responsibility_save(actor=None, responsibility=Responsibility(service=kfz, authority=kreis))
    responsibility_save(actor=None, responsibility=Responsibility(service=zeugnis))
    responsibility_save(
        actor=None, responsibility=Responsibility(service=parking, municipality=bocholt, authority=kreis)
    )
    assert responsibility_resolve(parking, bocholt).authority == kreis  # type: ignore[union-attr]
    assert responsibility_resolve(parking, heek).authority == heek  # type: ignore[union-attr]
    status, output = gaps()
    assert (status, "Keine Lücken" in output) == (0, True)
    # Running the defaults again changes nothing: every service has its rule.
    assert "0 Regeln angelegt" in run("responsibilities-from-leika")

    # 7. A FIM data schema for the Gewerbe-Anmeldung (XDatenfelder 2.0, checked against the XSDs that ship
    #    with Amtsweg), linked to the service and published.
    output = run("import-fim", str(FIM_GEWERBE), "--service", "99050012104000", "--publish")
    assert "Gewerbe anmelden" in output

    # 8. Applications from Heek and from Bocholt reach their own town.
    for town in (heek, bocholt):
        response = client.post(
            "/api/v1/formulare/S99200001/antraege",
            data=json.dumps({"municipality": town.ags, "data": GEWERBE_DATA}),
            content_type="application/json",
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert response.status_code == 201, response.content
        case = Case.objects.get(reference=response.json()["reference"])
        assert (case.service, case.authority) == (gewerbe, town)

    # 9. The portal shows the Kreis and answers "Wer ist für mich zuständig?" by postcode.
    page = client.get(f"/leistungen/{gewerbe.slug}/", {"plz": "48619"})
    assert page.status_code == 200
    assert "Gemeinde Heek" in page.text
    assert "Amtsweg Kreis Borken" in page.text


@override_settings(**BORKEN)
def test_the_catalogue_import_that_failed_on_a_fresh_installation_works_after_the_register() -> None:
    # Issue 15: "Die Behörde mit dem Amtlichen Gemeindeschlüssel … gibt es nicht" – and no way to create it.
    with pytest.raises(CommandError, match="amtsweg import-municipalities"):
        run("import-catalogue", str(DATA / "leistungen.jsonl"))

    run("import-municipalities", str(REGISTER))
    output = run("import-catalogue", str(DATA / "leistungen.jsonl"))

    assert "6 neu" in output
    assert set(Service.objects.values_list("owner__ags", flat=True)) == {"05554000"}
