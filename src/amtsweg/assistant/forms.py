"""Forms of the assistant's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.selectors import municipalities
from amtsweg.tenants.models import Authority

QUESTION_MAX = 2000


class QuestionForm(forms.Form):
    frage = forms.CharField(
        label=_("Ihre Frage"),
        max_length=QUESTION_MAX,
        required=False,
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
        error_messages={"max_length": _("Bitte fassen Sie Ihre Frage in höchstens %(limit_value)d Zeichen.")},
    )
    gemeinde = forms.ChoiceField(
        label=_("Ihre Stadt oder Gemeinde (freiwillig)"),
        required=False,
        widget=forms.Select(attrs={"class": "kern-form-select__select"}),
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Stadt oder Gemeinde aus der Liste aus.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._municipalities = {m.slug: m for m in municipalities()}
        self.fields["gemeinde"].choices = [("", _("– keine Angabe –"))] + [  # type: ignore[attr-defined]
            (slug, m.short_name) for slug, m in self._municipalities.items()
        ]

    def municipality(self) -> Authority | None:
        return self._municipalities.get(self.cleaned_data.get("gemeinde") or "")


class RequestForm(QuestionForm):
    """A free-text request ("Anliegen") that the router assigns to an office."""

    frage = forms.CharField(
        label=_("Beschreiben Sie Ihr Anliegen"),
        max_length=QUESTION_MAX,
        required=True,
        widget=forms.Textarea(attrs={"class": "kern-form-input__input", "rows": 5}),
        error_messages={
            "required": _("Bitte beschreiben Sie Ihr Anliegen."),
            "max_length": _("Bitte fassen Sie Ihr Anliegen in höchstens %(limit_value)d Zeichen."),
        },
    )
