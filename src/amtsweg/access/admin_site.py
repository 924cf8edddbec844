"""The admin site: only for active staff whose session has passed the second factor.

There is no separate admin login: ``/admin/login/`` sends people to the normal login, which asks
staff for the second factor (``access:otp_verify``) and then returns to the admin.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from amtsweg.access.permissions import Perm, can_use_admin, has_any, has_permission


class StaffAdminSite(admin.AdminSite):
    index_template = "access/admin_index.html"

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        context["can_reset_second_factor"] = has_any(request.user, Perm.SECOND_FACTOR_RESET)
        # The first run of a Kreis (docs/first-run.md): creating authorities is platform business.
        context["can_set_up_kreis"] = has_permission(request.user, Perm.ORGANISATION_EDIT, None)
        context["can_see_responsibility_gaps"] = has_any(request.user, Perm.CATALOG_EDIT)
        context["can_import_ozg_catalogue"] = has_permission(request.user, Perm.CATALOG_EDIT, None)
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Without a page asked for, the login decides by role where staff land (inbox, cockpit, admin).
        target = request.GET.get(REDIRECT_FIELD_NAME) or ""
        if target and not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = ""
        if request.user.is_authenticated:
            if self.has_permission(request):
                return super().login(request, extra_context)  # redirects to the index
            # Logged in, but no admin (citizen, or staff without the second factor in this session).
            raise PermissionDenied(
                _("Die Verwaltung ist nur für Beschäftigte mit zweitem Faktor zugänglich.")
            )
        if not target:
            return redirect(resolve_url(settings.LOGIN_URL))
        return redirect_to_login(target, resolve_url(settings.LOGIN_URL))
