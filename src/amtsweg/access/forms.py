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


class PasswordAgainForm(forms.Form):
    """Asks for the password again before a second factor is replaced (a left-open session is not enough)."""

    password = forms.CharField(
        label=_("Ihr Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Zur Sicherheit: Ein neuer zweiter Faktor ersetzt den bisherigen."),
        error_messages={"required": _("Bitte geben Sie zur Sicherheit Ihr Passwort ein.")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = str(self.cleaned_data["password"])
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Das Passwort stimmt nicht."))
        return password


class SetupWithPasswordForm(SetupCodeForm, PasswordAgainForm):
    """Setting up a new authenticator while logged in: the code and the password."""


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
