from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SystemApiConfig(AppConfig):
    name = "amtsweg.systemapi"
    label = "systemapi"
    verbose_name = _("Schnittstelle für Fachverfahren")
