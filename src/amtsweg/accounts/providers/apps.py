from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoginProvidersConfig(AppConfig):
    name = "amtsweg.accounts.providers"
    label = "login_providers"
    verbose_name = _("Anmeldedienste")

    def ready(self) -> None:
        # The built-in provider and the plugins register themselves on import; whether a plugin is
        # offered is decided by its settings at request time (see LoginProvider.enabled).
        from amtsweg.accounts.providers import checks, local, oidc, saml, signals  # noqa: F401
