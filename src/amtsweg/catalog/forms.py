"""Forms of the citizen portal: the search and "Wer ist für mich zuständig?"."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.selectors import municipalities, municipalities_for_postcode
from amtsweg.tenants.models import Authority

_KERN_CLASSES = {
    forms.Select: "kern-form-input__select",
    forms.Textarea: "kern-form-input__input amtsweg-textarea",
    forms.widgets.Input: "kern-form-input__input",
}


def kern_widgets(form: forms.BaseForm) -> None:
    """Give every widget the KERN UX class of its kind; error states are styled via ``aria-invalid``."""
    form.label_suffix = ""
    for bound in form:
        widget = bound.field.widget
        for widget_class, css_class in _KERN_CLASSES.items():
            if isinstance(widget, widget_class):
                widget.attrs["class"] = css_class
                break


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Suchbegriff"),
        max_length=200,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off", "spellcheck": "true"}),
        error_messages={"max_length": _("Bitte geben Sie höchstens %(limit_value)d Zeichen ein.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class MunicipalityChoiceForm(forms.Form):
    """Choose a municipality, or type a postcode of the Kreis."""

    gemeinde = forms.ChoiceField(
        label=_("Ihre Stadt oder Gemeinde"),
        required=False,
        error_messages={"invalid_choice": _("Bitte wählen Sie eine Stadt oder Gemeinde aus der Liste aus.")},
    )
    plz = forms.CharField(
        label=_("oder Ihre Postleitzahl"),
        max_length=5,
        required=False,
        help_text=_("5 Ziffern, zum Beispiel 48249"),
        error_messages={"max_length": _("Eine Postleitzahl hat genau 5 Ziffern.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One query serves both the choices and the lookup in clean().
        self._municipalities = {m.slug: m for m in municipalities()}
        self.fields["gemeinde"].choices = [("", _("– bitte auswählen –"))] + [  # type: ignore[attr-defined]
            (slug, m.short_name) for slug, m in self._municipalities.items()
        ]
        self.fields["plz"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "postal-code", "size": "5"}
        )
        kern_widgets(self)
        self.fields["plz"].widget.attrs["class"] += " kern-form-input__input--width-4"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slug, plz = data.get("gemeinde"), (data.get("plz") or "").strip()
        if self.has_error("gemeinde") or self.has_error("plz"):
            return data
        if slug:
            data["municipality"] = self._municipalities[slug]
            return data
        if not plz:
            self.add_error(
                "gemeinde",
                _("Bitte wählen Sie Ihre Stadt oder Gemeinde aus oder geben Sie Ihre Postleitzahl ein."),
            )
            return data
        if not re.fullmatch(r"\d{5}", plz):
            self.add_error("plz", _("Eine Postleitzahl hat genau 5 Ziffern."))
            return data
        found = municipalities_for_postcode(plz)
        if not found:
            self.add_error(
                "plz",
                _("Die Postleitzahl %(plz)s gehört zu keiner Stadt oder Gemeinde dieses Kreises.")
                % {"plz": plz},
            )
        elif len(found) > 1:
            message = _(
                "Zur Postleitzahl %(plz)s gehören mehrere Gemeinden (%(names)s). Bitte wählen Sie Ihre aus."
            )
            names = ", ".join(m.short_name for m in found)
            self.add_error("gemeinde", message % {"plz": plz, "names": names})
        else:
            data["municipality"] = found[0]
        return data

    @property
    def municipality(self) -> Authority | None:
        return self.cleaned_data.get("municipality") if self.is_valid() else None
