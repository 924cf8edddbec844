"""Admin of outbound events: subscriptions (Fachadministration of the authority), and the delivery log with
replay. Every write goes through :mod:`amtsweg.events.services`; everything is scoped to the authorities
where the person has :func:`~amtsweg.access.permissions.can_manage_integrations`."""

from __future__ import annotations

from typing import Any

from django import forms
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
from amtsweg.events import services
from amtsweg.events.models import Delivery, DeliveryAttempt, EventType, Subscription


class SubscriptionForm(forms.ModelForm):
    event_types = forms.MultipleChoiceField(
        label=gettext_lazy("Ereignisarten"),
        choices=EventType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Keine ausgewählt: alle Ereignisarten."),
    )

    class Meta:
        model = Subscription
        fields = ("authority", "name", "url", "event_types", "is_active")

    def clean_url(self) -> str:
        from amtsweg.core.outbound import outbound_url_check

        return outbound_url_check(self.cleaned_data["url"])


@admin.register(Subscription)
class SubscriptionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    form = SubscriptionForm
    list_display = ("name", "authority", "url", "is_active")
    list_filter = ("authority", "is_active")
    search_fields = ("name", "url")
    actions = ("renew_secret",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        secret = services.subscription_save(
            actor=request.user, subscription=obj, source=request_source(request, "admin")
        )
        if secret:
            messages.warning(
                request,
                _(
                    "Signaturgeheimnis für „%(name)s“ – bitte jetzt im Fachverfahren hinterlegen, es wird "
                    "nicht wieder angezeigt: %(secret)s"
                )
                % {"name": obj.name, "secret": secret},
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.subscription_delete(
            actor=request.user, subscription=obj, source=request_source(request, "admin")
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description=gettext_lazy("Neues Signaturgeheimnis erzeugen"))
    def renew_secret(self, request: HttpRequest, queryset: QuerySet[Subscription]) -> None:
        for subscription in queryset:
            try:
                secret = services.subscription_secret_renew(
                    actor=request.user, subscription=subscription, source=request_source(request, "admin")
                )
            except PermissionDenied as error:
                messages.error(request, str(error))
                continue
            messages.warning(
                request,
                _("Neues Signaturgeheimnis für „%(name)s“ (wird nicht wieder angezeigt): %(secret)s")
                % {"name": subscription.name, "secret": secret},
            )


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("at", "status_code", "error", "duration_ms")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The delivery log: what was sent to whom, each attempt, and a replay."""

    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "subscription__authority"
    list_display = (
        "created_at",
        "event_type",
        "event_subject",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    )
    list_filter = ("status", "subscription", "event__type")
    search_fields = ("event__subject", "event__id")
    list_select_related = ("event", "subscription")
    readonly_fields = (
        "event",
        "subscription",
        "status",
        "attempts",
        "created_at",
        "retry_until",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
        "last_error",
        "envelope",
    )
    fields = readonly_fields
    inlines = (DeliveryAttemptInline,)
    actions = ("replay",)

    @admin.display(description=gettext_lazy("Ereignisart"))
    def event_type(self, obj: Delivery) -> str:
        return str(obj.event.get_type_display())

    @admin.display(description=gettext_lazy("Aktenzeichen"))
    def event_subject(self, obj: Delivery) -> str:
        return obj.event.subject

    @admin.display(description=gettext_lazy("CloudEvent"))
    def envelope(self, obj: Delivery) -> str:
        import json

        return json.dumps(obj.event.envelope, ensure_ascii=False, indent=2)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only page; the only change is the replay action.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Erneut zustellen"))
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = 0
        for delivery in queryset.select_related("subscription"):
            try:
                services.delivery_replay(
                    actor=request.user, delivery=delivery, source=request_source(request, "admin")
                )
            except (PermissionDenied, ValidationError) as error:
                messages.error(request, str(error))
                continue
            done += 1
        if done:
            messages.success(request, _("%(count)s Zustellungen werden erneut versucht.") % {"count": done})
