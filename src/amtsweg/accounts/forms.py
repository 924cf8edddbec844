"""Forms of the account pages, in KERN UX markup (see templates/includes/field.html)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from amtsweg.accounts.models import Organisation, User
from amtsweg.tenants.models import postcode_validator

_KERN_CLASSES: dict[type[forms.Widget], str] = {
    forms.Select: "kern-form-input__select",
    forms.widgets.Input: "kern-form-input__input",
}


def kern_widgets(form: forms.BaseForm) -> None:
    form.label_suffix = ""
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "kern-form-check__input"
            continue
        for widget_class, css_class in _KERN_CLASSES.items():
            if isinstance(widget, widget_class):
                widget.attrs["class"] = css_class
                break


EMAIL_ERRORS = {
    "required": _("Bitte geben Sie Ihre E-Mail-Adresse ein."),
    "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."),
}


class KernForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Neues Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Mindestens 12 Zeichen. Nicht nur Ziffern und kein häufig benutztes Passwort."),
        error_messages={"required": _("Bitte geben Sie ein Passwort ein.")},
    )
    password2 = forms.CharField(
        label=_("Passwort wiederholen"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Bitte geben Sie das Passwort ein zweites Mal ein.")},
    )

    def password_user(self) -> User | None:
        return None

    def clean_password2(self) -> str:
        first = self.cleaned_data.get("password1")
        second = self.cleaned_data.get("password2", "")
        if first and second and first != second:
            raise ValidationError(_("Die beiden Passwörter stimmen nicht überein."))
        return second

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password1")
        if password:
            try:
                password_validation.validate_password(password, self.password_user())
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class RegistrationForm(NewPasswordMixin, KernForm):
    first_name = forms.CharField(
        label=_("Vorname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Vornamen ein.")},
    )
    last_name = forms.CharField(
        label=_("Nachname"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Bitte geben Sie Ihren Nachnamen ein.")},
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Wir schicken Ihnen einen Link, mit dem Sie die Adresse bestätigen."),
        error_messages=EMAIL_ERRORS,
    )
    field_order = ["first_name", "last_name", "email", "password1", "password2"]

    def password_user(self) -> User | None:
        return User(
            email=self.cleaned_data.get("email", ""),
            first_name=self.cleaned_data.get("first_name", ""),
            last_name=self.cleaned_data.get("last_name", ""),
        )


class LoginForm(KernForm):
    identifier = forms.CharField(
        label=_("E-Mail-Adresse oder Benutzername"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
        error_messages={"required": _("Bitte geben Sie Ihre E-Mail-Adresse ein.")},
    )
    password = forms.CharField(
        label=_("Passwort"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie Ihr Passwort ein.")},
    )


class ResetRequestForm(KernForm):
    email = forms.EmailField(
        label=_("E-Mail-Adresse Ihres Kontos"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages=EMAIL_ERRORS,
    )


class SetPasswordForm(NewPasswordMixin, KernForm):
    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def password_user(self) -> User | None:
        return self.user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "street", "postcode", "city", "municipality"]
        labels = {
            "first_name": _("Vorname"),
            "last_name": _("Nachname"),
            "municipality": _("Wohnort (Stadt oder Gemeinde im Kreis)"),
        }
        help_texts = {
            "postcode": _("5 Ziffern, zum Beispiel 48249"),
            "municipality": _("Damit zeigen wir Ihnen gleich, wer für Sie zuständig ist."),
        }
        error_messages = {
            "first_name": {"required": _("Bitte geben Sie Ihren Vornamen ein.")},
            "last_name": {"required": _("Bitte geben Sie Ihren Nachnamen ein.")},
        }
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args: Any, municipalities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True
        field = self.fields["municipality"]
        if not isinstance(field, forms.ModelChoiceField):  # pragma: no cover - the model decides
            raise TypeError("municipality must be a choice of authorities")
        field.queryset = municipalities
        field.empty_label = str(_("– keine Angabe –"))
        field.error_messages["invalid_choice"] = _(
            "Bitte wählen Sie eine Stadt oder Gemeinde aus der Liste aus."
        )
        kern_widgets(self)

    def clean_postcode(self) -> str:
        postcode = str(self.cleaned_data.get("postcode", "")).strip()
        if postcode:
            postcode_validator(postcode)
        return postcode

    def _post_clean(self) -> None:
        # The account as a whole is validated by the service (profile_update); here only the fields.
        pass


class EmailChangeForm(KernForm):
    email = forms.EmailField(
        label=_("Neue E-Mail-Adresse"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_(
            "An diese Adresse schicken wir einen Link. Erst wenn Sie ihn öffnen, gilt die neue Adresse."
        ),
        error_messages=EMAIL_ERRORS,
    )
    password = forms.CharField(
        label=_("Ihr aktuelles Passwort"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie zur Sicherheit Ihr Passwort ein.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)
        if not user.has_usable_password():
            # An account of DeutschlandID or OIDC has no password: a recent login proves the person
            # (checked by services.email_change_request).
            del self.fields["password"]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Das Passwort stimmt nicht."))
        return password

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email.lower() == self.user.email.lower():
            raise ValidationError(_("Das ist schon Ihre E-Mail-Adresse."))
        return email


CONFIRM_DELETE_WORD = "LÖSCHEN"


class DeleteAccountForm(KernForm):
    password = forms.CharField(
        label=_("Ihr Passwort zur Bestätigung"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Bitte geben Sie zur Bestätigung Ihr Passwort ein.")},
    )
    confirm = forms.CharField(
        label=_("Geben Sie zur Bestätigung LÖSCHEN ein"),
        max_length=20,
        error_messages={"required": _("Bitte geben Sie zur Bestätigung LÖSCHEN ein.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Accounts of DeutschlandID or OIDC have no password: they confirm by typing and by a recent login.
        del self.fields["confirm" if user.has_usable_password() else "password"]

    def clean_confirm(self) -> str:
        value = str(self.cleaned_data["confirm"]).strip()
        if value.upper() not in {CONFIRM_DELETE_WORD, "LOESCHEN"}:
            raise ValidationError(_("Bitte geben Sie zur Bestätigung LÖSCHEN ein."))
        return value


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "street", "postcode", "city", "register_number"]
        help_texts = {"postcode": _("5 Ziffern, zum Beispiel 48249")}
        error_messages = {
            "name": {"required": _("Bitte geben Sie den Namen der Organisation ein.")},
            "street": {"required": _("Bitte geben Sie Straße und Hausnummer ein.")},
            "postcode": {"required": _("Bitte geben Sie die Postleitzahl ein.")},
            "city": {"required": _("Bitte geben Sie den Ort ein.")},
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "postcode": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)


class InvitationForm(KernForm):
    email = forms.EmailField(
        label=_("E-Mail-Adresse der Person, die Sie einladen"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        error_messages={
            "required": _("Bitte geben Sie eine E-Mail-Adresse ein."),
            "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de."),
        },
    )
