from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from amtsweg.catalog.forms import kern_widgets
from amtsweg.portal.models import AccessibilityFeedback


class AccessibilityFeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "message", "name", "email"]
        labels = {
            "page_url": _("Auf welcher Seite ist die Barriere? (optional)"),
            "message": _("Beschreiben Sie bitte die Barriere"),
            "name": _("Ihr Name (optional)"),
            "email": _("Ihre E-Mail-Adresse für eine Antwort (optional)"),
        }
        help_texts = {
            "page_url": _("Zum Beispiel die Adresse der Seite oder der Name der Leistung."),
            "message": _("Was wollten Sie tun, und was hat nicht funktioniert?"),
        }
        error_messages = {
            "message": {"required": _("Bitte beschreiben Sie die Barriere, damit wir ihr nachgehen können.")},
            "email": {
                "invalid": _("Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. name@beispiel.de.")
            },
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kern_widgets(self)
