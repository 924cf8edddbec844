"""Pages of the login providers under ``konto/anmelden/``; reverse them with ``base.provider_url(name)``."""

from django.urls import path

from amtsweg.accounts.providers import oidc, saml, views

app_name = "login_providers"

urlpatterns = [
    path("vertrauensniveau/", views.trust_required, name="trust_required"),
    path("oidc/", oidc.OidcStartView.as_view(), name="oidc_start"),
    path("oidc/rueckkehr/", oidc.OidcCallbackView.as_view(), name="oidc_callback"),
    path("deutschlandid/", saml.start, name="saml_start"),
    path("deutschlandid/metadaten/", saml.metadata, name="saml_metadata"),
    path("deutschlandid/acs/", saml.acs, name="saml_acs"),
]
