"""Printing an import report moved to :mod:`amtsweg.core.importoutput` (organisation imports use it too)."""

from amtsweg.core.importoutput import DEFAULT_LIMIT, print_report

__all__ = ["DEFAULT_LIMIT", "print_report"]
