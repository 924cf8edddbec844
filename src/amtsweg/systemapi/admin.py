"""Admin of API keys for specialist systems: make (the key is shown once), change scope and rights, revoke.
Writes go through :mod:`amtsweg.systemapi.services`; the list is scoped to the authorities where the person
may manage integrations (Fachadministration)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm
from amtsweg.access.scoping import ScopedAdminMixin
from amtsweg.core.audit import request_source
from amtsweg.systemapi import services
from amtsweg.systemapi.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "owner"
    scoped_foreign_keys = {"owner": "pk", "authorities": "pk"}
    list_display = ("name", "owner", "key_prefix", "may_write", "revoked_at", "last_used_at")
    list_filter = ("owner", "may_write")
    search_fields = ("name", "key_prefix")
    fields = ("owner", "name", "authorities", "may_write", "rate", "key_prefix", "revoked_at", "last_used_at")
    readonly_fields = ("key_prefix", "revoked_at", "last_used_at")
    filter_horizontal = ("authorities",)
    actions = ("revoke",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        source = request_source(request, "admin")
        authorities = form.cleaned_data.get("authorities") or []
        if change:
            services.api_client_change(actor=request.user, client=obj, authorities=authorities, source=source)
            return
        _client, key = services.api_client_create(
            actor=request.user, client=obj, authorities=authorities, source=source
        )
        messages.warning(
            request,
            _(
                "API-Schlüssel für „%(name)s“ – bitte jetzt im Fachverfahren hinterlegen, er wird nicht "
                "wieder angezeigt: %(key)s"
            )
            % {"name": obj.name, "key": key},
        )

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: Any, change: bool) -> None:
        # The authorities were set by the service together with its checks and audit entry.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke instead: the audit keeps naming the client

    @admin.action(description=gettext_lazy("Schlüssel sperren"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            try:
                services.api_client_revoke(
                    actor=request.user, client=client, source=request_source(request, "admin")
                )
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, str(error))
                continue
            messages.success(request, _("Der Schlüssel von „%(name)s“ ist gesperrt.") % {"name": client.name})
