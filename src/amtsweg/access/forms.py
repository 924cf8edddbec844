from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from amtsweg.access.models import STAFF_KIND
from amtsweg.access.permissions import can_reset_second_factor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_(
            "Die sechs Ziffern aus Ihrer Authenticator-App oder einer Ihrer Wiederherstellungscodes."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split()).lower()


class SetupCodeForm(CodeForm):
    code = forms.CharField(
        label=_("Code aus der App"),
        max_length=10,
        help_text=_("Geben Sie die sechs Ziffern ein, die Ihre Authenticator-App jetzt anzeigt."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
            }
        ),
    )


class ResetForm(forms.Form):
    colleague = forms.ModelChoiceField(
        label=_("Konto"),
        queryset=get_user_model()._default_manager.none(),
        help_text=_("Die Person richtet bei der nächsten Anmeldung einen neuen zweiten Faktor ein."),
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = (
            get_user_model()._default_manager.filter(kind=STAFF_KIND, is_active=True).order_by("username")
        )
        allowed = [user.pk for user in candidates if can_reset_second_factor(actor, user)]
        field: Any = self.fields["colleague"]
        field.queryset = candidates.filter(pk__in=allowed)
