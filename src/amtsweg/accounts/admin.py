from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from amtsweg.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "kind", "authority", "is_staff", "is_active")
    list_filter = ("kind", "authority", "is_staff", "is_superuser", "is_active")
    filter_horizontal = ("org_units", "groups", "user_permissions")
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Amtsweg"), {"fields": ("kind", "authority", "org_units", "email_verified_at")}),
        (_("Anschrift"), {"fields": ("street", "postcode", "city", "municipality")}),
    )
