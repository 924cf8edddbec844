from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set: an app only so that ``amtsweg load-demo`` is found; it has no models."""

    name = "amtsweg.demo"
    label = "demo"
    verbose_name = _("Demodaten")
