"""Form fields for the admin and staff pages that spare people raw JSON, and uploads of several files.

:class:`LinesField` edits a list of short texts (search terms, synonyms …) as a text area with one entry
per line – not as ``["…", "…"]``, which people mistype and which Django answers with "Bitte ein gültiges
JSON-Objekt eingeben.".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class LinesField(forms.CharField):
    """A list of texts, one per line; blank lines and repeats are dropped, the order is kept."""

    widget = forms.Textarea(attrs={"rows": 5, "cols": 60})
    default_help_text = gettext_lazy("Ein Eintrag je Zeile.")

    def __init__(self, *, max_entries: int = 200, max_entry_length: int = 100, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", self.default_help_text)
        self.max_entries = max_entries
        self.max_entry_length = max_entry_length
        super().__init__(strip=False, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(entry) for entry in value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        if isinstance(value, list | tuple):
            lines = [str(entry) for entry in value]
        else:
            lines = str(value or "").splitlines()
        entries = list(dict.fromkeys(" ".join(line.split()) for line in lines if line.strip()))
        too_long = [entry for entry in entries if len(entry) > self.max_entry_length]
        if too_long:
            raise ValidationError(
                _("Ein Eintrag darf höchstens %(limit)s Zeichen lang sein: „%(entry)s…“")
                % {"limit": self.max_entry_length, "entry": too_long[0][:40]},
                code="too_long",
            )
        if len(entries) > self.max_entries:
            raise ValidationError(
                _("Bitte höchstens %(limit)s Einträge (eine Zeile je Eintrag).")
                % {"limit": self.max_entries},
                code="too_many",
            )
        return entries

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value: Any) -> None:
        return None  # the length validators of CharField count characters of a string, not entries

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.to_python(initial) != self.to_python(data)
        except ValidationError:
            return True


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type="file" multiple>``: a list of uploads (empty when optional)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return files
