"""Printing an :class:`ImportReport` for the import commands (summary, rejected lines, CSV file)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import OutputWrapper
from django.core.management.color import Style
from django.utils.translation import gettext as _

from amtsweg.core.importreport import ImportReport

DEFAULT_LIMIT = 20


def print_report(
    report: ImportReport, *, stdout: OutputWrapper, style: Style, limit: int, report_file: Path | None
) -> None:
    """Summary per entity, the first ``limit`` rejected lines, and all lines to ``report_file``."""
    if report.dry_run:
        stdout.write(style.WARNING(_("Probelauf: Es wurde nichts gespeichert.")))
    for line in report.summary_lines():
        stdout.write(line)
    rejections = report.rejections()
    if rejections:
        stdout.write("")
        stdout.write(
            style.WARNING(
                _("Abgelehnte Zeilen: %(count)d%(shown)s")
                % {
                    "count": report.rejected,
                    "shown": _(" (die ersten %d)") % limit if report.rejected > limit else "",
                }
            )
        )
        for item in rejections[:limit]:
            stdout.write(
                _("  %(file)s Zeile %(line)d [%(key)s]: %(reason)s")
                % {"file": item.file, "line": item.line, "key": item.key or "–", "reason": item.reason}
            )
        if report.rejected > limit and report_file is None:
            stdout.write(_("Alle abgelehnten Zeilen schreibt --report DATEI als CSV."))
    if report_file is not None:
        # UTF-8 with byte order mark, so that spreadsheet programs show the umlauts correctly.
        with report_file.open("w", encoding="utf-8-sig", newline="") as handle:
            report.write_csv(handle)
        stdout.write(_("Bericht geschrieben: %(path)s") % {"path": report_file})
    stdout.write(
        style.SUCCESS(
            _(
                "Fertig: %(created)d neu, %(updated)d geändert, %(unchanged)d unverändert, "
                "%(rejected)d abgelehnt."
            )
            % {
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.rejected,
            }
        )
    )
