"""Reading import files safely: size limit, UTF-8 check, streaming line by line.

Files are read as bytes and decoded line by line, so a wrong encoding is found with its line
number and a large file never sits in memory as a whole. A physical line longer than
:data:`MAX_LINE_BYTES` is skipped in pieces instead of being loaded.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from amtsweg.catalog.importers.report import ImportRejected

MAX_LINE_BYTES = 2 * 1024 * 1024
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",")


def check_file(path: Path) -> int:
    """Reject a missing, oversized or empty file before reading it. Returns its size in bytes."""
    if not path.is_file():
        raise ImportRejected(_("Die Datei %(name)s gibt es nicht.") % {"name": path})
    size = path.stat().st_size
    limit = int(settings.AMTSWEG_IMPORT_MAX_BYTES)
    if size > limit:
        raise ImportRejected(
            _("Die Datei %(name)s ist mit %(size)s MB größer als erlaubt (höchstens %(limit)s MB).")
            % {"name": path.name, "size": _megabytes(size), "limit": _megabytes(limit)}
        )
    if size == 0:
        raise ImportRejected(_("Die Datei %(name)s ist leer.") % {"name": path.name})
    with path.open("rb") as handle:
        start = handle.read(4)
    if start.startswith(_UTF16_BOMS):
        raise ImportRejected(
            _("Die Datei %(name)s ist nicht UTF-8-kodiert, sondern UTF-16. Bitte als UTF-8 speichern.")
            % {"name": path.name}
        )
    return size


@dataclass(frozen=True, slots=True)
class RawLine:
    """One physical line, decoded; ``text`` is None when the line was longer than allowed."""

    number: int
    text: str | None


def _not_utf8(path: Path, number: int, error: UnicodeDecodeError) -> ImportRejected:
    byte = error.object[error.start : error.start + 1].hex().upper()
    return ImportRejected(
        _(
            "Die Datei %(name)s ist nicht UTF-8-kodiert (Zeile %(line)d enthält das Byte 0x%(byte)s, "
            "vermutlich Latin-1 oder Windows-1252). Bitte als UTF-8 speichern; es wurde nichts importiert."
        )
        % {"name": path.name, "line": number, "byte": byte}
    )


def read_lines(path: Path) -> Iterator[RawLine]:
    """Yield the decoded lines of a UTF-8 file (an initial byte order mark is dropped).

    Raises :class:`ImportRejected` at the first byte sequence that is not UTF-8.
    """
    with path.open("rb") as handle:
        number = 0
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                # Skip the rest of the over-long line without holding it.
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
                yield RawLine(number, None)
                continue
            if number == 1 and raw.startswith(_UTF8_BOM):
                raw = raw[len(_UTF8_BOM) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise _not_utf8(path, number, error) from error
            yield RawLine(number, text)


@dataclass(frozen=True, slots=True)
class CsvRow:
    line: int
    values: dict[str, str]
    error: str = ""


def read_csv(path: Path, *, required: tuple[str, ...]) -> Iterator[CsvRow]:
    """Yield the data rows of a comma-separated UTF-8 file with a header line.

    Column names are compared without case and surrounding spaces. A missing required column,
    a broken encoding, an over-long line or a file without data rows rejects the whole file.
    Rows with the wrong number of cells are yielded with ``error`` set, so the caller reports them.
    """
    check_file(path)
    last_line = 0

    def texts() -> Iterator[str]:
        nonlocal last_line
        for raw in read_lines(path):
            last_line = raw.number
            if raw.text is None:
                raise ImportRejected(
                    _("Zeile %(line)d in %(name)s ist länger als %(limit)s MB; das ist keine Katalog-CSV.")
                    % {"line": raw.number, "name": path.name, "limit": _megabytes(MAX_LINE_BYTES)}
                )
            yield raw.text

    reader = csv.reader(texts())
    try:
        header = next(reader, None)
        while header is not None and not any(cell.strip() for cell in header):
            header = next(reader, None)
        if header is None:
            raise ImportRejected(_("Die Datei %(name)s ist leer.") % {"name": path.name})
        columns = [cell.strip().lower() for cell in header]
        missing = [name for name in required if name not in columns]
        if missing:
            raise ImportRejected(
                _("In %(name)s fehlen die Spalten: %(missing)s (vorhanden: %(present)s).")
                % {"name": path.name, "missing": ", ".join(missing), "present": ", ".join(columns)}
            )
        rows = 0
        start = last_line + 1
        for cells in reader:
            line, start = start, last_line + 1
            if not any(cell.strip() for cell in cells):
                continue
            rows += 1
            if len(cells) != len(columns):
                yield CsvRow(
                    line,
                    {},
                    _("Die Zeile hat %(found)d statt %(expected)d Spalten.")
                    % {"found": len(cells), "expected": len(columns)},
                )
                continue
            yield CsvRow(line, dict(zip(columns, cells, strict=True)))
    except csv.Error as error:
        raise ImportRejected(
            _("%(name)s ist keine gültige CSV-Datei (Zeile %(line)d: %(error)s).")
            % {"name": path.name, "line": last_line, "error": error}
        ) from error
    if rows == 0:
        raise ImportRejected(_("Die Datei %(name)s enthält keine Datenzeilen.") % {"name": path.name})
