"""Admin of FIT-Connect: destinations with their secrets and keys, received and sent submissions.

Secrets are entered in write-only fields and stored sealed; the private keys are never shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amtsweg.access.permissions import Perm
from amtsweg.access.scoping import ScopedAdminMixin, ScopedInlineMixin
from amtsweg.core.actors import Actor
from amtsweg.fitconnect.models import (
    Destination,
    DestinationKey,
    Forwarding,
    InboundSubmission,
    OutboundSubmission,
    SenderClient,
)
from amtsweg.fitconnect.services import (
    destination_keys_generate,
    destination_save,
    forwarding_save,
    sender_save,
)


class DestinationForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client-Secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Nur zum Ändern eingeben; leer lassen behält das gespeicherte."),
    )
    callback_secret = forms.CharField(
        label=_("Callback-Secret"),
        required=False,
        min_length=32,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Dasselbe Geheimnis wie beim Callback im Self-Service-Portal (mindestens 32 Zeichen)."),
    )

    class Meta:
        model = Destination
        fields = [
            "authority",
            "name",
            "destination_id",
            "submission_api_url",
            "token_url",
            "client_id",
            "api_version",
            "municipality",
            "active",
        ]


class DestinationKeyInline(ScopedInlineMixin, admin.TabularInline):
    scope_permission = Perm.ROUTING_MANAGE
    parent_authority_path = "authority"
    model = DestinationKey
    extra = 0
    can_delete = False
    fields = ("kid", "purpose", "status", "created_at", "retired_at")
    readonly_fields = ("kid", "purpose", "status", "created_at", "retired_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Destination)
class DestinationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    form = DestinationForm
    list_display = ["name", "authority", "destination_id", "active", "last_polled_at"]
    list_filter = ["active"]
    inlines = [DestinationKeyInline]
    actions = ["generate_keys"]

    def save_model(self, request: HttpRequest, obj: Destination, form: Any, change: bool) -> None:
        destination_save(
            actor=Actor.of_user(request.user),
            destination=obj,
            client_secret=form.cleaned_data.get("client_secret", ""),
            callback_secret=form.cleaned_data.get("callback_secret", ""),
            source="admin",
        )

    @admin.action(description=_("Neue Schlüsselpaare erzeugen (alte bleiben zum Entschlüsseln)"))
    def generate_keys(self, request: HttpRequest, queryset: Any) -> None:
        for destination in queryset:
            keys = destination_keys_generate(
                actor=Actor.of_user(request.user), destination=destination, source="admin"
            )
            self.message_user(
                request,
                _(
                    "%(destination)s: neue Schlüssel %(kids)s. Bitte die öffentlichen Schlüssel bei "
                    "FIT-Connect hinterlegen (amtsweg fitconnect-keys --show)."
                )
                % {"destination": destination, "kids": ", ".join(k.kid for k in keys)},
                messages.SUCCESS,
            )


@admin.register(InboundSubmission)
class InboundSubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "destination__authority"
    list_display = ["fit_submission_id", "destination", "status", "event_status", "submission", "created_at"]
    list_filter = ["status", "event_status"]
    readonly_fields = [f.name for f in InboundSubmission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboundSubmission)
class OutboundSubmissionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "forwarding__sender__authority"
    list_display = ["submission", "destination_name", "status", "attempts", "updated_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in OutboundSubmission._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SenderClientForm(forms.ModelForm):
    client_secret = forms.CharField(
        label=_("Client-Secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Nur zum Ändern eingeben; leer lassen behält das gespeicherte."),
    )

    class Meta:
        model = SenderClient
        fields = [
            "authority",
            "name",
            "submission_api_url",
            "routing_api_url",
            "routing_jwks_url",
            "token_url",
            "client_id",
        ]


@admin.register(SenderClient)
class SenderClientAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    form = SenderClientForm
    list_display = ["name", "authority", "client_id"]

    def save_model(self, request: HttpRequest, obj: SenderClient, form: Any, change: bool) -> None:
        sender_save(
            actor=Actor.of_user(request.user),
            sender=obj,
            client_secret=form.cleaned_data.get("client_secret", ""),
            source="admin",
        )


@admin.register(Forwarding)
class ForwardingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "service__owner"
    scoped_foreign_keys = {"service": "owner", "sender": "authority"}
    list_display = ["service", "municipality", "ars", "sender", "active"]
    autocomplete_fields = ["service"]

    def save_model(self, request: HttpRequest, obj: Forwarding, form: Any, change: bool) -> None:
        forwarding_save(actor=Actor.of_user(request.user), forwarding=obj, source="admin")
