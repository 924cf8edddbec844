from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsConfig(AppConfig):
    name = "amtsweg.forms"
    label = "forms"
    verbose_name = _("Formulare")

    def ready(self) -> None:
        from amtsweg.catalog.pagecache import watch_models
        from amtsweg.forms.models import Form, FormVersion

        # A published form puts "Online beantragen" on the service page.
        watch_models(Form, FormVersion)
