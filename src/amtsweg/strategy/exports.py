"""Every table of the cockpit as CSV (for German Excel) or XLSX.

CSV: UTF-8 with byte-order mark and ``;`` as separator, so that a double click opens it correctly in a
German Excel; numbers are written with a decimal comma. XLSX keeps numbers as numbers (openpyxl), with a
bold, frozen header row.

Cells that start with ``=``, ``+``, ``-`` or ``@`` are prefixed with an apostrophe in both formats so
that no spreadsheet treats a text from the database as a formula (CSV injection).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

BOM = "\ufeff"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return f"{value}".replace(".", ",")
    if isinstance(value, dt.datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return _safe_text(str(value))


def table_to_csv(rows: Iterable[Sequence[Any]], headers: Sequence[Any]) -> bytes:
    """The table as CSV bytes: UTF-8 with BOM, ``;`` separated, every cell quoted where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([_csv_value(str(h)) for h in headers])
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return (BOM + buffer.getvalue()).encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, int | float | dt.date):
        return value
    return _safe_text(str(value))


def table_to_xlsx(rows: Iterable[Sequence[Any]], headers: Sequence[Any], *, title: str = "Tabelle") -> bytes:
    """The table as an XLSX workbook with one sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    # Sheet titles: at most 31 characters, none of []:*?/\
    sheet.title = "".join(ch for ch in str(title) if ch not in "[]:*?/\\")[:31] or "Tabelle"
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(str(h)) for h in headers]
    for row in rows:
        values = [_xlsx_value(v) for v in row]
        sheet.append(values)
        for i, value in enumerate(values[: len(widths)]):
            widths[i] = max(widths[i], min(60, len(str(value)) if value is not None else 0))
    for cell in sheet[1]:
        if cell.column is not None:
            sheet.column_dimensions[cell.column_letter].width = max(8, widths[cell.column - 1] + 2)
        if cell.number_format == "General" and isinstance(cell.value, Decimal | float):
            cell.number_format = "#,##0.00"
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date) and not isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(cell.value, float):
                cell.number_format = "#,##0.00"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_response(
    rows: Iterable[Sequence[Any]], headers: Sequence[Any], *, name: str, fmt: str
) -> HttpResponse:
    """A download of the table as ``fmt`` ("csv" or "xlsx"); the file name is derived from ``name``."""
    filename = slugify(name) or "tabelle"
    if fmt == "xlsx":
        response = HttpResponse(table_to_xlsx(rows, headers, title=name), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    else:
        response = HttpResponse(table_to_csv(rows, headers), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
