from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from amtsweg.api import api
from amtsweg.cases import api as cases_api  # noqa: F401 - registers its router
from amtsweg.core import converters  # noqa: F401 - registers <id:…>
from amtsweg.portal.views import health
from amtsweg.submissions import api as submissions_api  # noqa: F401 - registers its router
from amtsweg.systemapi import api as system_api  # noqa: F401 - registers its router

admin.site.site_header = _("Amtsweg – Verwaltung")
admin.site.site_title = _("Amtsweg")
admin.site.index_title = _("Fachadministration")

# German is the language of the portal and needs no prefix; the English translation lives under /en/.
# The browser's Accept-Language header does not switch the language on its own.
urlpatterns = [
    path("health/", health, name="health"),
    path("api/v1/", api.urls),
    path("fitconnect/", include("amtsweg.fitconnect.urls")),
    *i18n_patterns(
        path("admin/", admin.site.urls),
        path("konto/", include("amtsweg.accounts.urls")),
        path("personal/", include("amtsweg.access.urls")),
        path("antrag/", include("amtsweg.submissions.urls")),
        path("vorgaenge/", include("amtsweg.cases.urls")),
        path("bezahlung/", include("amtsweg.payments.urls")),
        path("strategie/", include("amtsweg.strategy.urls")),
        path("assistent/", include("amtsweg.assistant.urls")),
        path("", include("amtsweg.catalog.urls")),
        path("", include("amtsweg.portal.urls")),
        prefix_default_language=False,
    ),
]

handler403 = "amtsweg.portal.views.permission_denied"
handler404 = "amtsweg.portal.views.page_not_found"
handler500 = "amtsweg.portal.views.server_error"
