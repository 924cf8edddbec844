"""Django admin classes restricted by the rules of :mod:`amtsweg.access.permissions`.

A model admin names the permission that governs its model and the ORM path from the model to the
authority that owns a row. The admin then lists only rows of the authorities where the acting user
holds that permission, offers only those authorities (and rows belonging to them) in foreign-key
choices, and decides add/change/delete per object. Django's model permissions play no part.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from amtsweg.access.permissions import authorities_with, has_any, has_permission


def _filter(queryset: QuerySet[Any], path: str, authority_ids: set[int] | None) -> QuerySet[Any]:
    if authority_ids is None:
        return queryset
    return queryset.filter(**{f"{path}__in": authority_ids})


def authority_of(obj: Any, path: str) -> Any:
    """Follow ``path`` (``"owner"``, ``"service__owner"``, ``"pk"``) from ``obj`` to an authority id."""
    if path == "pk":
        return obj.pk
    current = obj
    parts = path.split("__")
    for part in parts[:-1]:
        current = getattr(current, part, None)
        if current is None:
            return None
    return getattr(current, f"{parts[-1]}_id", None)


class ScopedAdminMixin:
    """Mix into ``admin.ModelAdmin``: scope by ``scope_permission`` along ``authority_path``."""

    scope_permission: ClassVar[str]
    authority_path: ClassVar[str]
    # Foreign keys and many-to-many fields to scope in forms:
    # field name → ORM path from the related model to its authority.
    scoped_foreign_keys: ClassVar[dict[str, str]] = {}
    # Only platform-wide holders of the permission may add rows (e.g. new authorities).
    add_needs_platform: ClassVar[bool] = False

    def _authority_ids(self, request: HttpRequest) -> set[int] | None:
        return authorities_with(request.user, self.scope_permission)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return _filter(queryset, self.authority_path, self._authority_ids(request))

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        path = self.scoped_foreign_keys.get(db_field.name)
        if path is not None:
            queryset = kwargs.get("queryset") or db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = _filter(queryset, path, self._authority_ids(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        path = self.scoped_foreign_keys.get(db_field.name)
        if path is not None:
            queryset = kwargs.get("queryset") or db_field.remote_field.model._default_manager.all()
            kwargs["queryset"] = _filter(queryset, path, self._authority_ids(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def _allowed(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None:
            return has_any(request.user, self.scope_permission)
        authority_id = authority_of(obj, self.authority_path)
        if authority_id is None:
            # A new row not tied to an authority yet: the form limits the choices.
            return has_any(request.user, self.scope_permission) if obj.pk is None else False
        return has_permission(request.user, self.scope_permission, authority_id)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return has_any(request.user, self.scope_permission)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        ids = self._authority_ids(request)
        return ids is None if self.add_needs_platform else (ids is None or bool(ids))


class ScopedInlineMixin:
    """Mix into an inline: it may be edited exactly when the parent object may be changed."""

    scope_permission: ClassVar[str]
    parent_authority_path: ClassVar[str] = "pk"

    def _parent_allowed(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None:
            return has_any(request.user, self.scope_permission)
        authority_id = authority_of(obj, self.parent_authority_path)
        return authority_id is not None and has_permission(request.user, self.scope_permission, authority_id)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._parent_allowed(request, obj)


class ReadableByAdmin(admin.ModelAdmin):
    """Shared, read-only data: every user of the admin may look at it; nobody edits it here."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
