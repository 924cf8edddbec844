from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
        widgets = {"message": forms.Textarea(attrs={"rows": 6})}
