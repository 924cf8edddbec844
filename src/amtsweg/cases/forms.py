"""Forms of the caseworker's back office: inbox filters, bulk assignment and the actions on a case."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.cases.models import Decision, Status
from amtsweg.catalog.forms import kern_widgets

TEXT_MAX = 5000
REQUIRED = {"required": _("Bitte füllen Sie dieses Feld aus.")}


def _choices(values: list[Any], empty: str) -> list[Any]:
    return [("", empty), *values]


def _set_choices(form: forms.Form, name: str, choices: list[Any]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - a programming error, not input
    field.choices = choices


class InboxFilterForm(forms.Form):
    """The filters above the inbox (GET). Unknown values are errors, never a 500."""

    q = forms.CharField(
        label=_("Suche nach Aktenzeichen oder Name"),
        max_length=100,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    leistung = forms.TypedChoiceField(label=_("Leistung"), required=False, coerce=int, empty_value=None)
    gemeinde = forms.TypedChoiceField(label=_("Wohnort"), required=False, coerce=int, empty_value=None)
    frist = forms.ChoiceField(
        label=_("Frist"),
        required=False,
        choices=[
            ("", _("alle Fristen")),
            ("ueberfaellig", _("überfällig")),
            ("bald", _("bald fällig (5 Tage)")),
        ],
    )
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[("", _("nach Frist")), ("eingang", _("nach Eingang (neueste zuerst)"))],
    )

    def __init__(
        self,
        *args: Any,
        services: list[tuple[int, str]],
        municipalities: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(
            self, "status", [("", _("offene Vorgänge")), ("alle", _("alle Vorgänge")), *Status.choices]
        )
        _set_choices(self, "leistung", _choices(services, str(_("alle Leistungen"))))
        _set_choices(self, "gemeinde", _choices(municipalities, str(_("alle Wohnorte"))))
        kern_widgets(self)


class BulkAssignForm(forms.Form):
    """Teamleitung: give the ticked cases to one colleague."""

    vorgang = forms.MultipleChoiceField(
        label=_("Vorgänge"),
        error_messages={"required": _("Bitte wählen Sie mindestens einen Vorgang aus.")},
    )
    bearbeitung = forms.TypedChoiceField(
        label=_("Zuweisen an"),
        coerce=int,
        error_messages={"required": _("Bitte wählen Sie aus, wer die Vorgänge bearbeiten soll.")},
    )

    def __init__(self, *args: Any, references: list[str], colleagues: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _set_choices(self, "vorgang", [(r, r) for r in references])
        _set_choices(self, "bearbeitung", _choices(colleagues, str(_("– bitte wählen –"))))
        kern_widgets(self)


class AssignForm(forms.Form):
    bearbeitung = forms.TypedChoiceField(
        label=_("Bearbeitung durch"),
        coerce=int,
        error_messages={"required": _("Bitte wählen Sie aus, wer den Vorgang bearbeiten soll.")},
    )

    def __init__(self, *args: Any, colleagues: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "bearbeitung", _choices(colleagues, str(_("– bitte wählen –"))))
        kern_widgets(self)


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Neuer Vermerk"),
        help_text=_("Nur für die Verwaltung sichtbar, nie für die antragstellende Person."),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte schreiben Sie den Vermerk.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "vermerk")
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_("Nachricht an die antragstellende Person"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Bitte schreiben Sie die Nachricht.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "nachricht")
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class TransitionForm(forms.Form):
    """A status change. Fields appear as the step needs them: the question of a Rückfrage, or the
    decision with its reasons, letter template and a confirmation box."""

    text = forms.CharField(
        label=_("Ihre Rückfrage an die antragstellende Person"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    antwort_bis = forms.DateField(
        label=_("Antwort erbeten bis"),
        required=False,
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.DateInput(format="%d.%m.%Y", attrs={"inputmode": "numeric"}),
        help_text=_("TT.MM.JJJJ. Leer lassen: die übliche Antwortfrist der Leistung."),
        error_messages={"invalid": _("Bitte geben Sie die Antwortfrist als Datum an, z. B. 15.01.2027.")},
    )
    entscheidung = forms.ChoiceField(
        label=_("Entscheidung"), choices=Decision.choices, required=False, widget=forms.RadioSelect
    )
    begruendung = forms.CharField(
        label=_("Begründung (erscheint im Bescheid)"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    vorlage = forms.TypedChoiceField(label=_("Bescheidvorlage"), required=False, coerce=int, empty_value=None)
    bestaetigt = forms.BooleanField(
        label=_(
            "Ich habe die Entscheidung geprüft. Der Bescheid wird der antragstellenden Person zugestellt."
        ),
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        needs_text: bool,
        needs_decision: bool,
        templates: list[tuple[int, str]],
        confirm: bool = True,
        **kwargs: Any,
    ) -> None:
        """``confirm``: the confirmation box is required (sending the letter; not for its preview)."""
        super().__init__(*args, **kwargs)
        self.needs_text = needs_text
        self.needs_decision = needs_decision
        self.confirm = confirm
        if not needs_text:
            del self.fields["text"]
            del self.fields["antwort_bis"]
        if not needs_decision:
            for name in ("entscheidung", "begruendung", "vorlage", "bestaetigt"):
                del self.fields[name]
        else:
            _set_choices(self, "vorlage", _choices(templates, str(_("Standardtext ohne Vorlage"))))
        kern_widgets(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.needs_text and not (data.get("text") or "").strip():
            self.add_error("text", _("Bitte schreiben Sie Ihre Rückfrage."))
        if self.needs_decision:
            if not data.get("entscheidung"):
                self.add_error("entscheidung", _("Bitte wählen Sie die Entscheidung."))
            if self.confirm and not data.get("bestaetigt"):
                self.add_error("bestaetigt", _("Bitte bestätigen Sie die Entscheidung."))
        return data


class ForwardForm(forms.Form):
    stelle = forms.TypedChoiceField(
        label=_("Weiterleiten an"),
        coerce=int,
        error_messages={"required": _("Bitte wählen Sie die Stelle, an die Sie weiterleiten.")},
    )
    grund = forms.CharField(
        label=_("Grund der Weiterleitung"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Bitte nennen Sie den Grund der Weiterleitung.")},
    )

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        """``units``: choices, also grouped by authority as (authority name, [(id, name), ...])."""
        kwargs.setdefault("prefix", "weiterleiten")
        super().__init__(*args, **kwargs)
        _set_choices(self, "stelle", _choices(units, str(_("– bitte wählen –"))))
        kern_widgets(self)
