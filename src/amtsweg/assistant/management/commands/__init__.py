"""Shared helpers of the assistant's commands."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError


def read_labelled_file(path: Path, text_column: str, label_column: str) -> tuple[list[str], list[str]]:
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
            columns = reader.fieldnames or []
            for column in (text_column, label_column):
                if column not in columns:
                    raise CommandError(
                        f"{path.name}: Spalte „{column}“ fehlt (vorhanden: {', '.join(columns)})."
                    )
            rows = [(r[text_column] or "", (r[label_column] or "").strip()) for r in reader]
    except UnicodeDecodeError as error:
        raise CommandError(f"{path.name} ist nicht UTF-8-kodiert.") from error
    rows = [(text, label) for text, label in rows if label]
    return [text for text, _ in rows], [label for _, label in rows]
