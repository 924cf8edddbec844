"""CSV (German Excel) and XLSX of every cockpit table."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.strategy.exports import table_to_csv, table_to_xlsx
from amtsweg.strategy.tests.test_report import StrategyWorld, strategy_world
from amtsweg.testing import fresh_copy, module_world


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def test_csv_has_bom_semicolons_german_numbers_and_no_formulas() -> None:
    data = table_to_csv(
        [["Förderung; Land", Decimal("30000.50"), dt.date(2026, 2, 1), "=HYPERLINK(1)"]],
        ["Bezeichnung", "Betrag", "Datum", "Notiz"],
    )
    rows = _read_csv(data)
    assert rows == [
        ["Bezeichnung", "Betrag", "Datum", "Notiz"],
        ["Förderung; Land", "30000,50", "01.02.2026", "'=HYPERLINK(1)"],
    ]


@given(st.lists(st.lists(st.text(max_size=30), min_size=3, max_size=3), max_size=5))
def test_csv_round_trips_any_text(rows: list[list[str]]) -> None:
    read = _read_csv(table_to_csv(rows, ["a", "b", "c"]))[1:]
    formula = ("=", "+", "-", "@", "\t", "\r")
    expected = [["'" + v if v.startswith(formula) else v for v in row] for row in rows]
    # The csv module normalises line ends inside quoted cells only as written; compare by content.
    assert [[v.replace("\r\n", "\n").replace("\r", "\n") for v in row] for row in read] == [
        [v.replace("\r\n", "\n").replace("\r", "\n") for v in row] for row in expected
    ]


def test_xlsx_keeps_numbers_as_numbers() -> None:
    from openpyxl import load_workbook

    data = table_to_xlsx(
        [["Ansatz", Decimal("30000.00"), 3]], ["Bezeichnung", "Betrag", "Anzahl"], title="Haushalt 2020"
    )
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    assert sheet.title == "Haushalt 2020"
    assert [c.value for c in sheet[1]] == ["Bezeichnung", "Betrag", "Anzahl"]
    assert sheet["B2"].value == 30000.0
    assert sheet["C2"].value == 3


@module_world
def _world_built() -> StrategyWorld:
    return strategy_world()


@pytest.fixture
def world(_world_built: StrategyWorld, db: None) -> StrategyWorld:
    """Built once per module (rolled back after it); each test gets its own copy."""
    return fresh_copy(_world_built)


@pytest.fixture
def digital(world: StrategyWorld) -> Client:
    return login_verified(Client(), staff_create("digital", world.scenario.kreis, "digitalisierungsteam"))


@pytest.mark.parametrize(
    ("table", "cell"),
    [
        ("quickcheck", "Verwaltung"),
        ("budget", "Erste Projekte der Digitalisierungsstrategie"),
        ("projects", "Digitales Bürgerbüro"),
        ("funding", "Smarte.Land.Regionen"),
        ("positions", "Digitalisierungsmanagerin"),
        ("ozg", "Dülmen"),
    ],
)
def test_every_table_downloads_as_csv_and_xlsx(digital: Client, table: str, cell: str) -> None:
    from openpyxl import load_workbook

    response = digital.get(reverse("strategy:table_export", args=[table, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert any(cell in row for row in _read_csv(response.content))
    response = digital.get(reverse("strategy:table_export", args=[table, "xlsx"]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert any(c.value == cell for row in sheet.iter_rows() for c in row)


def test_budget_csv_of_a_report_has_the_figures(digital: Client, world: StrategyWorld) -> None:
    response = digital.get(reverse("strategy:report_table_export", args=[world.report.pk, "budget", "csv"]))
    rows = _read_csv(response.content)
    assert rows[0][:3] == ["Jahr", "Produkt", "Bezeichnung"]
    line = next(r for r in rows if r[2] == "Erste Projekte der Digitalisierungsstrategie")
    assert line[1] == "01.02.01"
    assert line[5] == "30000,00"
    assert line[6] == "12345,67"


def test_the_maturity_matrix_downloads(digital: Client, world: StrategyWorld) -> None:
    rows = _read_csv(digital.get(reverse("strategy:maturity_export", args=["csv"])).content)
    assert rows[0][:5] == ["Leistung", "Themenfeld", "Stadt/Gemeinde", "zuständig", "Reifegrad"]
    bau = next(r for r in rows if r[0] == "Baugenehmigung" and r[2] == "Dülmen")
    assert bau[3] == "Stadt Dülmen"
    assert bau[4] == "3"
    assert len(rows) == 1 + 5 * 4  # five services × four towns


def test_unknown_tables_and_formats_are_404_and_others_are_refused(
    digital: Client, world: StrategyWorld
) -> None:
    assert digital.get(reverse("strategy:table_export", args=["gehaelter", "csv"])).status_code == 404
    assert digital.get(reverse("strategy:table_export", args=["budget", "pdf"])).status_code == 404
    assert digital.get(reverse("strategy:maturity_export", args=["ods"])).status_code == 404
    fachadmin = login_verified(Client(), staff_create("fa", world.scenario.kreis, "fachadministration"))
    assert fachadmin.get(reverse("strategy:table_export", args=["budget", "csv"])).status_code == 403
    assert fachadmin.get(reverse("strategy:maturity_export", args=["csv"])).status_code == 403
