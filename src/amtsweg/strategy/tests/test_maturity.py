"""The live maturity dashboard computed from forms, versions, responsibilities and submissions."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from amtsweg.catalog.models import MaturityLevel, MaturityModel
from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.catalog.tests.factories import KreisScenario, ServiceFactory, kreis_scenario
from amtsweg.forms.models import Form
from amtsweg.forms.services import form_version_create
from amtsweg.forms.spec import ChildSpec, FieldSpec, FormSpec, GroupSpec
from amtsweg.strategy.maturity import level_rules, maturity_matrix
from amtsweg.submissions.models import Submission
from amtsweg.tenants.models import Authority
from amtsweg.testing import fresh_copy, module_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)

OZG_LEVELS = [
    (0, "Offline", False),
    (1, "Information", False),
    (2, "Formular-Assistent", False),
    (3, "Online-Leistung", True),
    (4, "Online-Transaktion", True),
]


def maturity_models_create() -> tuple[MaturityModel, MaturityModel]:
    """The two scales of the demo reference data (strategy may not import the demo app)."""
    ozg, _created = MaturityModel.objects.update_or_create(
        name="OZG-Reifegradmodell", defaults={"is_default": True}
    )
    for level, name, online in OZG_LEVELS:
        MaturityLevel.objects.update_or_create(
            model=ozg, level=level, defaults={"name": name, "is_online": online}
        )
    new = MaturityModel.objects.create(name="Reifegradmodell 2.0")
    for level in range(8):
        MaturityLevel.objects.create(model=new, level=level, name=f"Stufe {level}", is_online=level >= 3)
    return ozg, new


def spec(key: str, *, upload: bool, version: str = "1") -> FormSpec:
    fields = [ChildSpec(FieldSpec(key="name", name="name", label="Name"), min=1)]
    if upload:
        fields.append(
            ChildSpec(
                FieldSpec(key="nachweis", name="nachweis", label="Nachweis", datatype="file", input="file")
            )
        )
    root = GroupSpec(key="antrag", name="antrag", label="Antrag", children=tuple(fields))
    return FormSpec(key=key, version=version, title=f"Antrag {key}", root=root)


def publish(key: str, owner: Authority, service: Any, *, upload: bool, publish: bool = True) -> Any:
    return form_version_create(
        actor=None,
        spec=spec(key, upload=upload),
        owner=owner,
        source=Form.Source.DEFINITION,
        service=service,
        publish=publish,
    )


def submit(version: Any, service: Any, town: Authority, when: dt.datetime, channel: str = "web") -> None:
    Submission.objects.create(
        reference=uuid.uuid4().hex[:12],
        idempotency_key=uuid.uuid4().hex,
        form_version=version,
        service=service,
        municipality=town,
        data={"name": "Erika Mustermann"},
        channel=channel,
        submitted_at=when,
    )


def at(year: int, month: int, day: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, 10, 0, tzinfo=timezone.get_current_timezone())


@module_world
def _world_built() -> dict[str, Any]:
    return maturity_world()


@pytest.fixture
def world(_world_built: dict[str, Any], db: None) -> dict[str, Any]:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


def maturity_world() -> dict[str, Any]:
    """Four towns, forms of the Kreis and the towns (published or not) and some submissions."""
    scenario: KreisScenario = kreis_scenario()
    ozg, new = maturity_models_create()
    s, t = scenario.services, scenario.towns
    bau_duelmen = publish("bau-duelmen", t["duelmen"], s["baugenehmigung"], upload=True)
    publish("bau-coesfeld", t["coesfeld"], s["baugenehmigung"], upload=False)
    publish("kfz-kreis", scenario.kreis, s["kfz"], upload=False)
    anmeldung_duelmen = publish("anmeldung-duelmen", t["duelmen"], s["anmeldung"], upload=False)
    # A draft never counts.
    publish("anmeldung-senden", t["senden"], s["anmeldung"], upload=True, publish=False)

    submit(anmeldung_duelmen, s["anmeldung"], t["duelmen"], at(2026, 10, 3))
    submit(anmeldung_duelmen, s["anmeldung"], t["duelmen"], at(2026, 10, 28))
    submit(anmeldung_duelmen, s["anmeldung"], t["duelmen"], at(2026, 10, 30), channel="api")
    submit(anmeldung_duelmen, s["anmeldung"], t["duelmen"], at(2026, 9, 1))
    submit(anmeldung_duelmen, s["anmeldung"], t["duelmen"], at(2025, 6, 1))  # older than twelve months
    submit(bau_duelmen, s["baugenehmigung"], t["duelmen"], at(2026, 11, 2))
    return {"scenario": scenario, "ozg": ozg, "new": new}


def level_of(matrix: Any, service: Any, town: Authority) -> int | None:
    level = matrix.cell(service, town).level
    return None if level is None else level.level


def test_levels_follow_the_lowest_unmet_criterion(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    s, t = scenario.services, scenario.towns
    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None

    # Dülmen builds permits itself, with an upload field: online service (3).
    assert level_of(matrix, s["baugenehmigung"], t["duelmen"]) == 3
    # Coesfeld's form takes no evidence although the service needs documents: form assistant (2).
    cell = matrix.cell(s["baugenehmigung"], t["coesfeld"])
    assert cell.level is not None
    assert cell.level.level == 2
    assert [c.key for c in cell.blocking] == ["evidence_online"]
    # Senden's permits come from the Kreis, which has no form: information only.
    assert level_of(matrix, s["baugenehmigung"], t["senden"]) == 1
    # The Kreis' Kfz form serves every town; the service needs no documents.
    assert {level_of(matrix, s["kfz"], town) for town in t.values()} == {3}
    # The town service with only the Kreis' offer and a draft stays at information.
    assert level_of(matrix, s["anmeldung"], t["senden"]) == 1
    assert level_of(matrix, s["anmeldung"], t["duelmen"]) == 3
    # No responsibility rule: offline, and information is what blocks.
    cell = matrix.cell(s["ohne_regel"], t["duelmen"])
    assert cell.level is not None
    assert cell.level.level == 0
    assert [c.key for c in cell.blocking] == ["information"]
    # Level 4 needs the digital decision, which case management will measure: never reached yet.
    assert not any(c.level and c.level.level == 4 for c in matrix.cells.values())


def test_a_kreis_form_for_a_town_service_serves_every_town(world: dict[str, Any]) -> None:
    """The Kreis portal offers its forms to every town and routes to the responsible town (EfA)."""
    scenario = world["scenario"]
    s, t = scenario.services, scenario.towns
    before = maturity_matrix(model=world["ozg"], today=TODAY)
    assert before is not None
    assert level_of(before, s["anmeldung"], t["senden"]) == 1

    publish("anmeldung-kreis", scenario.kreis, s["anmeldung"], upload=False)

    after = maturity_matrix(model=world["ozg"], today=TODAY)
    assert after is not None
    assert {level_of(after, s["anmeldung"], town) for town in t.values()} == {3}


def test_the_new_model_is_computed_from_the_same_criteria(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    matrix = maturity_matrix(model=world["new"], today=TODAY)
    assert matrix is not None
    cell = matrix.cell(scenario.services["baugenehmigung"], scenario.towns["duelmen"])
    assert cell.level is not None
    assert cell.level.level == 3
    assert [c.key for c in cell.blocking] == ["digital_processing"]
    rules = level_rules(world["new"])
    assert [c.key for c in rules[5].new] == ["digital_decision"]
    assert [c.key for c in rules[4].all] == [
        "information",
        "online_form",
        "evidence_online",
        "digital_processing",
    ]


def test_submissions_are_counted_per_month(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    cell = matrix.cell(scenario.services["anmeldung"], scenario.towns["duelmen"])
    assert cell.monthly[-1] == 0  # November 2026 so far
    assert cell.submissions_last_month == 3  # October
    assert cell.monthly[-3] == 1  # September
    assert cell.submissions_total == 4  # June 2025 lies outside the twelve months
    assert cell.by_channel == {"web": 3, "api": 1}
    assert matrix.months[0] == dt.date(2025, 12, 1)
    assert matrix.cell(scenario.services["anmeldung"], scenario.towns["coesfeld"]).submissions_total == 0


def test_the_matrix_applies_the_same_responsibility_as_the_resolver(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    for service in matrix.services:
        for town in matrix.municipalities:
            resolved = responsibility_resolve(service, town)
            cell = matrix.cell(service, town)
            if resolved is None:
                assert cell.authority_id is None
                continue
            assert cell.authority_id == resolved.authority.pk, (service, town)
            assert cell.org_unit_id == (resolved.org_unit.pk if resolved.org_unit else None), (service, town)
    assert matrix.cell(scenario.services["baugenehmigung"], scenario.towns["duelmen"]).authority_id == (
        scenario.towns["duelmen"].pk
    )


def test_peers_show_what_they_have_online_with_a_contact(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    t = scenario.towns
    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    offers = {offer.peer.short_name: offer for offer in matrix.peer_offers(t["coesfeld"])}
    assert set(offers) == {"Dülmen"}
    names = {item.service.name for item in offers["Dülmen"].items}
    assert names == {"Baugenehmigung", "Wohnsitz anmelden"}
    assert "Bürgerbüro" in {unit.name for unit in offers["Dülmen"].contacts}
    # Senden's building permits are the Kreis' job: Dülmen's permit form is nothing Senden could copy.
    senden = {offer.peer.short_name: offer for offer in matrix.peer_offers(t["senden"])}
    assert {item.service.name for item in senden["Dülmen"].items} == {"Wohnsitz anmelden"}
    # Dülmen itself has nothing to learn from the others here.
    assert matrix.peer_offers(t["duelmen"]) == []
    assert [row["municipality"].short_name for row in matrix.summary()] == sorted(
        town.short_name for town in t.values()
    )


def test_the_number_of_queries_does_not_grow_with_the_matrix(world: dict[str, Any]) -> None:
    with CaptureQueriesContext(connection) as small:
        maturity_matrix(model=world["ozg"], today=TODAY)
    kreis = world["scenario"].kreis
    for n in range(15):
        ServiceFactory(owner=kreis, name=f"Weitere Leistung {n}", required_documents="Nachweis")
    with CaptureQueriesContext(connection) as large:
        matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    assert len(matrix.services) == 20
    assert len(large.captured_queries) == len(small.captured_queries) <= 12


def test_filter_by_themenfeld_and_no_model(world: dict[str, Any]) -> None:
    scenario = world["scenario"]
    matrix = maturity_matrix(model=world["ozg"], themenfeld=scenario.themenfeld, today=TODAY)
    assert matrix is not None
    assert {s.name for s in matrix.services} == {"Baugenehmigung", "Fahrzeug zulassen"}
    MaturityModel.objects.all().delete()
    assert maturity_matrix(today=TODAY) is None


def test_cases_worked_in_amtsweg_give_processing_time_and_digital_decision(world: dict[str, Any]) -> None:
    from amtsweg.cases.models import Case, DecisionLetter

    scenario = world["scenario"]
    s, t = scenario.services, scenario.towns
    version = Form.objects.get(key="anmeldung-duelmen").published_version()
    for number, (received, decided, letter) in enumerate(
        [
            (at(2026, 10, 1), at(2026, 10, 5), True),
            (at(2026, 10, 2), at(2026, 10, 12), False),
            (at(2026, 11, 1), None, False),
        ]
    ):
        submission = Submission.objects.create(
            reference=f"AW-T-{number}",
            idempotency_key=f"k-{number}",
            form_version=version,
            service=s["anmeldung"],
            municipality=t["duelmen"],
            data={},
            submitted_at=received,
        )
        case = Case.objects.create(
            reference=submission.reference,
            submission=submission,
            service=s["anmeldung"],
            authority=t["duelmen"],
            received_at=received,
            decided_at=decided,
        )
        if letter:
            DecisionLetter.objects.create(case=case, sent_at=decided)

    matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    cell = matrix.cell(s["anmeldung"], t["duelmen"])
    assert cell.met["digital_processing"]
    assert cell.met["digital_decision"]
    assert cell.median_processing_days == 7.0  # 4 and 10 days; the open case does not count
    # Level 4 (online transaction) also needs once-only, which nothing measures yet: that blocks now.
    assert [c.key for c in cell.blocking] == ["once_only"]
    assert not matrix.cell(s["anmeldung"], t["coesfeld"]).met["digital_processing"]
    summary = {row["municipality"].short_name: row for row in matrix.summary()}
    assert summary["Dülmen"]["median_days"] == 7.0
    assert summary["Coesfeld"]["median_days"] is None


def test_processing_times_are_aggregated_in_the_database_not_read_case_by_case(world: dict[str, Any]) -> None:
    """A Land has millions of cases: the matrix reads one row per (service, town), never one per case."""
    from amtsweg.cases.models import Case

    scenario = world["scenario"]
    s, t = scenario.services, scenario.towns
    version = Form.objects.get(key="anmeldung-duelmen").published_version()
    for number, (town, days) in enumerate([("duelmen", 2), ("duelmen", 3), ("duelmen", 9), ("coesfeld", 5)]):
        received = at(2026, 10, 1 + number)
        submission = Submission.objects.create(
            reference=f"AW-M-{number}",
            idempotency_key=f"m-{number}",
            form_version=version,
            service=s["anmeldung"],
            municipality=t[town],
            data={},
            submitted_at=received,
        )
        Case.objects.create(
            reference=submission.reference,
            submission=submission,
            service=s["anmeldung"],
            authority=t[town],
            received_at=received,
            decided_at=received + dt.timedelta(days=days),
        )
    with CaptureQueriesContext(connection) as captured:
        matrix = maturity_matrix(model=world["ozg"], today=TODAY)
    assert matrix is not None
    assert matrix.cell(s["anmeldung"], t["duelmen"]).median_processing_days == 3.0
    assert matrix.cell(s["anmeldung"], t["coesfeld"]).median_processing_days == 5.0
    summary = {row["municipality"].short_name: row for row in matrix.summary()}
    assert summary["Dülmen"]["median_days"] == 3.0
    on_cases = [q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"]]
    assert on_cases
    assert all("GROUP BY" in sql or "DISTINCT" in sql for sql in on_cases)
