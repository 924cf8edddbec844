"""Catalogue imports and exports: the KDN OZG CSVs and the JSON Lines exchange format.

The functions here are the one way in for commands, admin and API alike; see
``docs/formats/catalogue.md`` for the formats.
"""

from amtsweg.catalog.importers.report import ImportRejected, ImportReport, Outcome, ReportItem

__all__ = ["ImportRejected", "ImportReport", "Outcome", "ReportItem"]
