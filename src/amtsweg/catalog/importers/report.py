"""The import report moved to :mod:`amtsweg.core.importreport` (organisation imports use it too)."""

from amtsweg.core.importreport import (
    MAX_DETAILS,
    EntityCounts,
    ImportRejected,
    ImportReport,
    Outcome,
    ReportItem,
    line_list,
)

__all__ = [
    "MAX_DETAILS",
    "EntityCounts",
    "ImportRejected",
    "ImportReport",
    "Outcome",
    "ReportItem",
    "line_list",
]
