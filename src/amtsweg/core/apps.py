from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "amtsweg.core"
    label = "core"
    verbose_name = _("Kern")

    def ready(self) -> None:
        from amtsweg.core import converters  # noqa: F401 - registers <id:…> before any urls.py is read
