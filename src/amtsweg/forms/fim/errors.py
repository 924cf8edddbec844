"""The one error of the FIM importer: a German message that names the file, the line and the reason."""

from __future__ import annotations

from django.utils.translation import gettext as _


class FimImportError(Exception):
    """The import was rejected; nothing was stored.

    ``reason`` says what is wrong, ``file`` and ``line`` where (both optional: a missing folder has
    no line). ``str(error)`` is the whole message for an operator.
    """

    def __init__(self, reason: str, *, file: str = "", line: int | None = None) -> None:
        self.reason = reason
        self.file = file
        self.line = line
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.file and self.line:
            return _("%(file)s, Zeile %(line)s: %(reason)s") % {
                "file": self.file,
                "line": self.line,
                "reason": self.reason,
            }
        if self.file:
            return _("%(file)s: %(reason)s") % {"file": self.file, "reason": self.reason}
        return self.reason

    def __str__(self) -> str:
        return self.message
