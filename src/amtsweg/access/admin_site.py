"""The admin site: only for active staff whose session has passed the second factor.

There is no separate admin login: ``/admin/login/`` sends people to the normal login, which asks
staff for the second factor (``access:otp_verify``) and then returns to the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, cast

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, resolve_url
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from amtsweg.access.permissions import Perm, can_use_admin, has_any, has_permission


def _refused_form(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A sent admin form that came back with errors (the form page again, with the German messages)."""
    if request.method != "POST" or response.status_code != 200 or not isinstance(response, TemplateResponse):
        return False
    context = response.context_data or {}
    if context.get("errors"):  # add and change forms with their inlines (AdminErrorList)
        return True
    form = context.get("form")  # the other admin forms: password change, second-factor reset, actions
    return bool(getattr(form, "errors", None))


class StaffAdminSite(admin.AdminSite):
    index_template = "access/admin_index.html"

    def admin_view[V: Callable[..., HttpResponseBase]](self, view: V, cacheable: bool = False) -> V:
        """Bad input gets a 4xx everywhere (also in the admin): a form sent back with errors answers
        400 Bad Request instead of Django's 200, with the same page and the German messages on it."""
        protected = super().admin_view(view, cacheable)

        def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response: HttpResponseBase = protected(request, *args, **kwargs)
            if _refused_form(request, response):
                response.status_code = 400
            return response

        return cast("V", update_wrapper(answer, protected))

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
