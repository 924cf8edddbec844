"""Admin of online payment: payment providers and form fees (Fachadministration of the authority), the
payments with their state and the reconciliation export (CSV) for the cash office. Writes go through
:mod:`amtsweg.payments.services`; lists are scoped to the authorities where the person may manage
integrations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from amtsweg.access.permissions import Perm
from amtsweg.access.scoping import ScopedAdminMixin
from amtsweg.core.audit import request_source
from amtsweg.payments import services
from amtsweg.payments.models import FormFee, Payment, PaymentProvider
from amtsweg.payments.providers import payment_providers


class ProviderForm(forms.ModelForm):
    kind = forms.ChoiceField(label=gettext_lazy("Schnittstelle"), choices=())
    password = forms.CharField(
        label=gettext_lazy("Passwort"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=gettext_lazy(
            "Wird verschlüsselt gespeichert und nicht wieder angezeigt. Leer: unverändert."
        ),
    )

    class Meta:
        model = PaymentProvider
        fields = (
            "authority",
            "name",
            "kind",
            "base_url",
            "originator_id",
            "endpoint_id",
            "username",
            "is_test",
            "is_active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (key, plugin.label) for key, plugin in payment_providers
        ]


@admin.register(PaymentProvider)
class PaymentProviderAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "authority"
    scoped_foreign_keys = {"authority": "pk"}
    form = ProviderForm
    list_display = ("name", "authority", "kind", "base_url", "is_test", "is_active")
    list_filter = ("authority", "is_test", "is_active")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.provider_save(
            actor=request.user,
            provider=obj,
            password=form.cleaned_data.get("password") or None,
            source=request_source(request, "admin"),
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # payments keep pointing at it; switch it off instead


@admin.register(FormFee)
class FormFeeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "form_version__form__owner"
    scoped_foreign_keys = {"form_version": "form__owner"}
    list_display = ("form_version", "amount", "purpose", "timing")
    search_fields = ("form_version__form__title", "purpose")
    autocomplete_fields = ()

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        services.fee_save(actor=request.user, fee=obj, source=request_source(request, "admin"))


@admin.register(Payment)
class PaymentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The payments of the authority's cash office, read-only, with the reconciliation export."""

    scope_permission = Perm.ROUTING_MANAGE
    authority_path = "authority"
    list_display = (
        "reference",
        "amount",
        "status",
        "transaction_reference",
        "payment_method",
        "paid_at",
        "created_at",
    )
    list_filter = ("status", "authority", "provider")
    search_fields = ("reference", "transaction_id", "transaction_reference")
    date_hierarchy = "created_at"
    list_select_related = ("authority", "provider", "form_version__form")
    actions = ("export_csv",)
    readonly_fields = (
        "reference",
        "submission",
        "draft_id",
        "form_version",
        "authority",
        "provider",
        "amount",
        "purpose",
        "status",
        "transaction_id",
        "transaction_reference",
        "payment_method",
        "status_detail",
        "paid_at",
        "finished_at",
        "expires_at",
        "last_checked_at",
        "created_at",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Für den Kassenabgleich exportieren (CSV)"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Payment]) -> HttpResponse:
        # The queryset is already limited to the person's authorities (ScopedAdminMixin.get_queryset).
        rows = list(
            queryset.select_related("authority", "provider", "form_version__form").order_by("created_at")
        )
        content = services.payments_export(
            actor=request.user, payments=rows, source=request_source(request, "admin")
        )
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="zahlungen-{stamp}.csv"'
        return response
