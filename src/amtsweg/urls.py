from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Amtsweg – Verwaltung")
admin.site.site_title = _("Amtsweg")
admin.site.index_title = _("Fachadministration")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("amtsweg.catalog.urls")),
    path("", include("amtsweg.portal.urls")),
]

handler404 = "amtsweg.portal.views.page_not_found"
handler500 = "amtsweg.portal.views.server_error"
