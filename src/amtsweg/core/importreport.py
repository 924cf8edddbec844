"""What an import did: counts per kind of record and the lines it created, changed or rejected."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Details kept in memory; counts stay exact beyond this. A 50 MB file of junk must not need gigabytes.
MAX_DETAILS = 100_000


def line_list(numbers: list[int], shown: int = 5) -> str:
    """ "7, 9, 12" – or "7, 9, 12, 15, 20 und 3 weitere" when a value repeats very often."""
    listed = ", ".join(map(str, numbers[:shown]))
    if len(numbers) > shown:
        return _("%(listed)s und %(more)d weitere") % {"listed": listed, "more": len(numbers) - shown}
    return listed


class ImportRejected(Exception):
    """The whole file was rejected; nothing was written. The message is German and names the cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Outcome(StrEnum):
    CREATED = "neu"
    UPDATED = "geändert"
    UNCHANGED = "unverändert"
    REJECTED = "abgelehnt"


@dataclass(frozen=True, slots=True)
class ReportItem:
    """One line of an import file and what became of it."""

    entity: str
    file: str
    line: int
    key: str
    outcome: Outcome
    reason: str = ""


@dataclass(slots=True)
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + self.rejected


@dataclass
class ImportReport:
    """Counts per entity (in the order first seen) and the created, changed and rejected lines."""

    source: str = ""
    dry_run: bool = False
    counts: dict[str, EntityCounts] = field(default_factory=dict)
    items: list[ReportItem] = field(default_factory=list)
    omitted_items: int = 0

    def entity(self, name: str) -> EntityCounts:
        return self.counts.setdefault(name, EntityCounts())

    def add(self, *, entity: str, file: str, line: int, key: str, outcome: Outcome, reason: str = "") -> None:
        counts = self.entity(entity)
        if outcome is Outcome.CREATED:
            counts.created += 1
        elif outcome is Outcome.UPDATED:
            counts.updated += 1
        elif outcome is Outcome.UNCHANGED:
            counts.unchanged += 1
            return  # unchanged lines are counted, not listed
        else:
            counts.rejected += 1
        if len(self.items) >= MAX_DETAILS:
            self.omitted_items += 1
            return
        self.items.append(ReportItem(entity, file, line, key, outcome, reason))

    def reject(self, *, entity: str, file: str, line: int, key: str, reason: str) -> None:
        self.add(entity=entity, file=file, line=line, key=key, outcome=Outcome.REJECTED, reason=reason)

    def _total(self, attribute: str) -> int:
        return sum(getattr(counts, attribute) for counts in self.counts.values())

    @property
    def created(self) -> int:
        return self._total("created")

    @property
    def updated(self) -> int:
        return self._total("updated")

    @property
    def unchanged(self) -> int:
        return self._total("unchanged")

    @property
    def rejected(self) -> int:
        return self._total("rejected")

    def rejections(self) -> list[ReportItem]:
        """The rejected lines in file order."""
        return sorted(
            (item for item in self.items if item.outcome is Outcome.REJECTED), key=lambda i: (i.file, i.line)
        )

    def summary_lines(self) -> Iterator[str]:
        width = max((len(name) for name in self.counts), default=0)
        for name, counts in self.counts.items():
            yield _(
                "%(entity)s: %(created)d neu, %(updated)d geändert, %(unchanged)d unverändert, "
                "%(rejected)d abgelehnt"
            ) % {
                "entity": name.ljust(width),
                "created": counts.created,
                "updated": counts.updated,
                "unchanged": counts.unchanged,
                "rejected": counts.rejected,
            }

    def as_dict(self) -> dict[str, dict[str, int]]:
        """Counts for the audit trail."""
        return {
            name: {
                "neu": c.created,
                "geändert": c.updated,
                "unverändert": c.unchanged,
                "abgelehnt": c.rejected,
            }
            for name, c in self.counts.items()
        }

    def write_csv(self, stream: IO[str]) -> None:
        """All listed lines as CSV (semicolon-separated, as German spreadsheet programs expect)."""
        writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
        writer.writerow(["datei", "zeile", "art", "schluessel", "ergebnis", "grund"])
        for item in sorted(self.items, key=lambda i: (i.file, i.line)):
            writer.writerow([item.file, item.line, item.entity, item.key, item.outcome.value, item.reason])
        if self.omitted_items:
            writer.writerow(
                [
                    "",
                    "",
                    "",
                    "",
                    "",
                    ngettext(
                        "%d weitere Zeile nicht aufgeführt",
                        "%d weitere Zeilen nicht aufgeführt",
                        self.omitted_items,
                    )
                    % self.omitted_items,
                ]
            )
