from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    default = True
    name = "amtsweg.access"
    label = "access"
    verbose_name = _("Rollen und Berechtigungen")


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin app with :class:`~amtsweg.access.admin_site.StaffAdminSite` as ``admin.site``.

    Listed in INSTALLED_APPS instead of ``django.contrib.admin``.
    """

    default = False  # named explicitly in INSTALLED_APPS
    default_site = "amtsweg.access.admin_site.StaffAdminSite"
