from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.selectors import municipalities, municipalities_for_postcode
from amtsweg.tenants.models import Authority


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)


class MunicipalityChoiceForm(forms.Form):
    """Choose a municipality, or type a postcode of the Kreis."""

    gemeinde = forms.ChoiceField(label=_("Ihre Stadt oder Gemeinde"), required=False)
    plz = forms.CharField(label=_("oder Ihre Postleitzahl"), max_length=5, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeinde"].choices = [("", _("– bitte auswählen –"))] + [
            (m.slug, m.short_name) for m in municipalities()
        ]
        self.fields["plz"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        slug, plz = data.get("gemeinde"), (data.get("plz") or "").strip()
        if slug:
            data["municipality"] = municipalities().get(slug=slug)
            return data
        if not plz:
            raise forms.ValidationError(_("Bitte wählen Sie Ihre Stadt oder Gemeinde aus."), code="required")
        if not re.fullmatch(r"\d{5}", plz):
            self.add_error("plz", _("Eine Postleitzahl hat genau 5 Ziffern."))
            return data
        found = municipalities_for_postcode(plz)
        if not found:
            self.add_error("plz", _("Die Postleitzahl %(plz)s gehört zu keiner Gemeinde dieses Kreises.") % {"plz": plz})
        elif len(found) > 1:
            self.add_error(
                "gemeinde",
                _("Zur Postleitzahl %(plz)s gehören mehrere Gemeinden. Bitte wählen Sie Ihre aus.") % {"plz": plz},
            )
        else:
            data["municipality"] = found[0]
        return data

    @property
    def municipality(self) -> Authority | None:
        return self.cleaned_data.get("municipality") if self.is_valid() else None
