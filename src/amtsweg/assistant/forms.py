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


class FeedbackForm(forms.Form):
    """ "Hat Ihnen das geholfen?" under search results and answers: two buttons, no free text."""

    art = forms.ChoiceField(choices=[("suche", "suche"), ("frage", "frage")])
    anfrage = forms.CharField(max_length=QUESTION_MAX, required=False)
    hilfreich = forms.ChoiceField(
        choices=[("ja", _("Ja")), ("nein", _("Nein"))],
        error_messages={"required": _("Bitte wählen Sie „Ja“ oder „Nein“.")},
    )


class KeywordForm(forms.Form):
    """The Fachadmin adds a query (or a synonym of it) as a keyword to a service."""

    leistung = forms.TypedChoiceField(
        label=_("Leistung"),
        coerce=int,
        widget=forms.Select(attrs={"class": "kern-form-select__select"}),
        error_messages={
            "required": _("Bitte wählen Sie die Leistung aus."),
            "invalid_choice": _("Bitte wählen Sie eine Leistung aus der Liste aus."),
        },
    )
    suchbegriff = forms.CharField(
        label=_("Suchbegriff oder Synonym"),
        max_length=100,
        help_text=_("Wird bei der Leistung als Suchbegriff eingetragen; die Suche findet sie danach damit."),
        widget=forms.TextInput(attrs={"class": "kern-form-input__input", "autocomplete": "off"}),
        error_messages={
            "required": _("Bitte geben Sie einen Suchbegriff ein."),
            "max_length": _("Ein Suchbegriff darf höchstens %(limit_value)d Zeichen lang sein."),
        },
    )

    def __init__(self, *args: Any, suggested: list[Any], others: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[Any] = [("", _("– bitte auswählen –"))]
        if suggested:
            choices.append((_("Vorschläge der Suche"), [(s.pk, s.name) for s in suggested]))
        choices.append((_("Alle Leistungen, die Sie ändern dürfen"), [(s.pk, s.name) for s in others]))
        self.fields["leistung"].choices = choices  # type: ignore[attr-defined]
