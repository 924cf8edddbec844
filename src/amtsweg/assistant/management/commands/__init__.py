"""Shared helpers of the assistant's commands."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper

from amtsweg.assistant.router import finer_label_column


def read_table(path: Path, required: tuple[str, ...]) -> tuple[list[str], list[dict[str, str]]]:
    """The columns and rows of a CSV file (comma, semicolon or tab; UTF-8), ``required`` columns checked."""
    if not path.is_file():
        raise CommandError(f"Datei nicht gefunden: {path}")
    csv.field_size_limit(10_000_000)
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            sample = stream.read(65536)
            stream.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            reader = csv.DictReader(stream, dialect=dialect)
            columns = [column for column in reader.fieldnames or [] if column is not None]
            for column in required:
                if column not in columns:
                    raise CommandError(
                        f"{path.name}: Spalte „{column}“ fehlt (vorhanden: {', '.join(columns)})."
                    )
            rows = [{column: row.get(column) or "" for column in columns} for row in reader]
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name} ist nicht UTF-8-kodiert.") from error
    return columns, rows


def read_labelled_file(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
    """Texts and labels; rows without a label are skipped."""
    _columns, rows = read_table(path, (text_column, label_column))
    pairs = [(row[text_column], row[label_column].strip()) for row in rows]
    pairs = [(text, label) for text, label in pairs if label]
    return [text for text, _ in pairs], [label for _, label in pairs]


FINE_LABEL_HELP = (
    "Spalte mit feineren Kategorien innerhalb der Kategorien von --label-column: der Router lernt diese und "
    "zählt ihre Wahrscheinlichkeiten je Kategorie zusammen. Ohne Angabe sucht er eine solche Spalte in der "
    "Datei selbst; 'none' = keine."
)


def finer_labels(
    options: dict[str, Any], columns: list[str], rows: list[dict[str, str]], stdout: OutputWrapper
) -> tuple[str | None, list[str] | None]:
    """The finer label column of a training file and its values for ``rows`` (those with a label): the one
    named by ``--fine-label-column``, none for 'none', else the column that refines the labels, if the file
    has one (``router-eval`` and ``router-train`` decide alike: the portal's router is the measured one)."""
    path: Path = options.get("train") or options["examples"]
    named, text_column, label_column = (
        options["fine_label_column"],
        options["text_column"],
        options["label_column"],
    )
    if named == "none":
        return None, None
    if named:
        if named not in columns:
            raise CommandError(f"{path.name}: Spalte „{named}“ fehlt (vorhanden: {', '.join(columns)}).")
        values = [row[named].strip() for row in rows]
        if not all(values):
            raise CommandError(f"{path.name}: Jede Zeile braucht eine Kategorie und eine feinere Kategorie.")
        return named, values
    labels = [row[label_column].strip() for row in rows]
    others = [column for column in columns if column not in (text_column, label_column)]
    found = finer_label_column(labels, {column: [row[column] for row in rows] for column in others})
    if found is None:
        return None, None
    values = [row[found].strip() for row in rows]
    stdout.write(
        f"Feinere Kategorien in Spalte „{found}“: {len(set(values))} innerhalb von {len(set(labels))} "
        "Kategorien; der Router lernt sie und zählt sie je Kategorie zusammen (abschalten mit "
        "--fine-label-column none)."
    )
    return found, values
