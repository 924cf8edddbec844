from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from amtsweg.accounts.models import Membership, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "kind", "authority", "is_staff", "is_active")
    list_filter = ("kind", "authority", "is_staff", "is_superuser", "is_active")
    filter_horizontal = ("org_units", "groups", "user_permissions")
    readonly_fields = ("deleted_at",)
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Amtsweg"), {"fields": ("kind", "authority", "org_units", "email_verified_at", "deleted_at")}),
        (_("Anschrift"), {"fields": ("street", "postcode", "city", "municipality")}),
    )


class ReadOnlyAdminMixin:
    """Organisation accounts are run by their members on /konto/; the admin only looks at them."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Membership
    fields = ("user", "is_admin", "created_at")
    readonly_fields = fields
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "postcode", "city", "register_number", "created_at")
    search_fields = ("name", "register_number", "city")
    inlines = [MembershipInline]
