"""The demo logins: a superuser and a catalogue administrator with the published demo password."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from amtsweg.tenants.models import Authority

DEMO_PASSWORD = "amtsweg-demo"  # noqa: S105 - documented demo password; the demo is refused in production
CATALOG_GROUP = "Fachadministration Katalog"
DEMO_USERS: tuple[tuple[str, str, bool], ...] = (
    # user name, role shown to the person starting the demo, superuser?
    ("admin", gettext_noop("Superuser: darf alles in der Verwaltung"), True),
    ("fachadmin", gettext_noop("Fachadministration Katalog: pflegt Leistungen und Zuständigkeiten"), False),
)
# What the Fachadministration may do in the admin: maintain services and rules, look at the rest.
CATALOG_PERMISSIONS = (
    *(
        f"{verb}_{model}"
        for model in ("service", "responsibility")
        for verb in ("add", "change", "delete", "view")
    ),
    *(
        f"view_{model}"
        for model in (
            "serviceversion",
            "themenfeld",
            "lebenslage",
            "ozgleistung",
            "leikaentry",
            "maturitymodel",
            "maturitylevel",
        )
    ),
)
TENANT_VIEW_PERMISSIONS = (
    "view_authority",
    "view_orgunit",
    "view_location",
    "view_openinghours",
    "view_postalcode",
)


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, password, role) of the demo logins, for ``amtsweg demo`` to print."""
    return [(username, DEMO_PASSWORD, _(role)) for username, role, _superuser in DEMO_USERS]


def demo_logins_ensure() -> Counter[str]:
    """Create the logins and the group if missing; returns what was created or changed.

    The password is set only when a login is created, so that a changed password survives a reload.
    """
    counts: Counter[str] = Counter()
    group, created = Group.objects.get_or_create(name=CATALOG_GROUP)
    permissions = Permission.objects.filter(
        Q(content_type__app_label="catalog", codename__in=CATALOG_PERMISSIONS)
        | Q(content_type__app_label="tenants", codename__in=TENANT_VIEW_PERMISSIONS)
    )
    if created or set(group.permissions.all()) != set(permissions):
        group.permissions.set(permissions)
        counts["groups_saved"] += 1
    user_model = get_user_model()
    manager: Any = user_model._default_manager
    kreis = Authority.objects.filter(ags=settings.AMTSWEG_KREIS_AGS).first()
    for username, _role, is_superuser in DEMO_USERS:
        user = manager.filter(**{user_model.USERNAME_FIELD: username}).first()
        if user is None:
            email = f"{username}@amtsweg.example"
            # Staff accounts belong to the Kreis (tenancy); the accounts issue adds their roles.
            staff = {"kind": "personal", "authority": kreis}
            if is_superuser:
                user = manager.create_superuser(username, email, DEMO_PASSWORD, **staff)
            else:
                user = manager.create_user(username, email, DEMO_PASSWORD, is_staff=True, **staff)
            counts["users_created"] += 1
        if not is_superuser and not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
            counts["users_changed"] += 1
    return counts
