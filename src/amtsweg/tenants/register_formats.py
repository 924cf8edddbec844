"""Reading the municipality register files: which layout a file has, and its records (no checks, no writes).

See :mod:`amtsweg.tenants.register` for the import and docs/first-run.md for the layouts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.core.importreport import ImportRejected
from amtsweg.core.text import fold

FORMAT_GV100AD = "GV100AD"
FORMAT_GVISYS = "GV-ISys"
FORMAT_KDN = "KDN"
FORMAT_POSTCODES = "PLZ"
FORMAT_LABELS = {
    FORMAT_GV100AD: gettext_lazy("Gemeindeverzeichnis GV100AD (Destatis, feste Spaltenbreiten)"),
    FORMAT_GVISYS: gettext_lazy("Gemeindeverzeichnis GV-ISys (Destatis, Tabelle als CSV)"),
    FORMAT_KDN: gettext_lazy("Kommunenliste der KDN (name,url)"),
    FORMAT_POSTCODES: gettext_lazy("Postleitzahlenliste (plz, ags)"),
}
SATZART_KREIS = "40"
SATZART_GEMEINDE = "60"
_GV100AD_START = re.compile(r"^\d{2}\d{8}\d{2}")


@dataclass
class RegisterEntry:
    """One record of the register, as read (before any check)."""

    line: int
    satzart: str
    ags: str
    name: str
    textkennzeichen: str = ""
    postcode: str = ""
    population: str = ""


def decode_register(data: bytes, name: str, notes: list[str]) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(
            _("Die Datei %(name)s ist UTF-16-kodiert. Bitte als UTF-8 oder Windows-1252 speichern.")
            % {"name": name}
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Destatis delivers older editions in ISO-8859-1, and spreadsheet programs save CSV in
        # Windows-1252: both decode here (Windows-1252 is a superset for printable characters).
        notes.append(_("Die Datei ist nicht UTF-8-kodiert und wurde als Windows-1252 (Latin-1) gelesen."))
        return data.decode("cp1252", errors="replace")


def _heading(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _sniff(lines: Sequence[str]) -> str:
    sample = "\n".join(lines[:20])
    counts = {delimiter: sample.count(delimiter) for delimiter in (";", "\t", ",")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def csv_rows(text: str) -> list[list[str]]:
    """The cells of a delimited text (``;``, tab or ``,``, whichever the first lines use most)."""
    try:
        # newline="" lets the csv module see every line ending itself, also a lone carriage return.
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text.splitlines())))
    except csv.Error as error:
        raise ImportRejected(
            _("Die Datei ist keine gültige Tabelle (CSV): %(error)s") % {"error": error}
        ) from error


def detect_format(text: str) -> str:
    """Which of the supported layouts ``text`` has; :class:`ImportRejected` when none."""
    for line in text.splitlines():
        if not line.strip():
            continue
        if _GV100AD_START.match(line) and len(line) >= 72:
            return FORMAT_GV100AD
        break
    rows = csv_rows(text)
    for row in rows[:20]:
        headings = {_heading(cell) for cell in row}
        if "satzart" in headings:
            return FORMAT_GVISYS
        if {"name", "url"} <= headings:
            return FORMAT_KDN
        if {"plz", "ags"} <= headings or {"postleitzahl", "ags"} <= headings:
            return FORMAT_POSTCODES
    raise ImportRejected(
        _(
            "Das Format der Datei ist unbekannt. Erwartet wird das Gemeindeverzeichnis von Destatis "
            "(GV100AD oder die GV-ISys-Tabelle als CSV mit der Spalte „Satzart“), die KDN-Kommunenliste "
            "(Spalten „name“ und „url“) oder eine Postleitzahlenliste (Spalten „plz“ und „ags“)."
        )
    )


def only_digits(value: str) -> str:
    return value.strip().replace(" ", "")


def read_gv100ad(text: str) -> list[RegisterEntry]:
    """Fixed-width records: Satzart 1–2, Gebietsstand 3–10, AGS 11–18, name 23–72, Textkennzeichen
    123–124; for Satzart 60 also population 140–150 and postcode 166–170 (positions count characters)."""
    entries = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        satzart = line[0:2]
        key = line[10:18].strip()
        if satzart == SATZART_KREIS:
            key = key[:5] + "000" if len(key) >= 5 else key
        entries.append(
            RegisterEntry(
                line=number,
                satzart=satzart,
                ags=key,
                name=line[22:72].strip(),
                textkennzeichen=line[122:124].strip(),
                population=line[139:150].strip() if satzart == SATZART_GEMEINDE else "",
                postcode=line[165:170].strip() if satzart == SATZART_GEMEINDE else "",
            )
        )
    return entries


_GVISYS_COLUMNS = {
    "satzart": ("satzart",),
    "textkennzeichen": ("textkennzeichen", "tkz"),
    "land": ("land",),
    "rb": ("rb", "regierungsbezirk"),
    "kreis": ("kreis",),
    "gem": ("gem", "gemeinde"),
    "name": ("gemeindename", "name", "amtlichername"),
    "postcode": ("postleitzahl", "plz"),
    "population": ("bevolkerunginsgesamt", "bevolkerung", "insgesamt", "einwohner"),
}


def _column_map(header_rows: list[list[str]]) -> dict[str, int]:
    width = max((len(row) for row in header_rows), default=0)
    headings = [
        [_heading(row[index]) for row in header_rows if index < len(row) and row[index].strip()]
        for index in range(width)
    ]
    found: dict[str, int] = {}
    for column, names in _GVISYS_COLUMNS.items():
        for name in names:  # the first name that matches wins, in the order given
            for index, texts in enumerate(headings):
                if name in texts and index not in found.values():
                    found[column] = index
                    break
            if column in found:
                break
    return found


def read_gvisys(text: str) -> list[RegisterEntry]:
    rows = csv_rows(text)
    first_data = next(
        (i for i, row in enumerate(rows) if row and re.fullmatch(r"\d{2}", row[0].strip()) and len(row) > 4),
        None,
    )
    if first_data is None:
        raise ImportRejected(_("Die Tabelle enthält keine Datensätze (keine Zeile mit einer Satzart)."))
    start = max(
        (i for i, row in enumerate(rows[:first_data]) if "satzart" in {_heading(c) for c in row}), default=0
    )
    columns = _column_map(rows[start:first_data])
    missing = [c for c in ("satzart", "land", "rb", "kreis", "gem", "name") if c not in columns]
    if missing:
        raise ImportRejected(
            _("In der Tabelle fehlen die Spalten: %(missing)s.") % {"missing": ", ".join(missing)}
        )

    def cell(row: list[str], column: str) -> str:
        index = columns.get(column)
        return row[index].strip() if index is not None and index < len(row) else ""

    entries = []
    for number, row in enumerate(rows[first_data:], start=first_data + 1):
        if not any(c.strip() for c in row):
            continue
        satzart = cell(row, "satzart")
        ags = (cell(row, "land") + cell(row, "rb") + cell(row, "kreis") + cell(row, "gem")).replace(" ", "")
        if satzart == SATZART_KREIS and len(ags) == 5:
            ags += "000"
        entries.append(
            RegisterEntry(
                line=number,
                satzart=satzart,
                ags=ags,
                name=cell(row, "name"),
                textkennzeichen=cell(row, "textkennzeichen"),
                postcode=only_digits(cell(row, "postcode")),
                population=cell(row, "population"),
            )
        )
    return entries


def find_header(rows: list[list[str]], needed: Sequence[str]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows[:20]):
        headings = [_heading(c) for c in row]
        if all(any(h == n for h in headings) for n in needed) or (
            "plz" in needed and "postleitzahl" in headings and "ags" in headings
        ):
            return i, {h: j for j, h in enumerate(headings) if h}
    raise ImportRejected(_("Die Kopfzeile der Liste fehlt."))
