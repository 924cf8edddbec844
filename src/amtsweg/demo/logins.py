"""The demo logins: staff of the Kreis and of Stadt Dülmen with their roles, and a superuser.

All have the published demo password and the published demo TOTP secret (for an authenticator app),
which ``amtsweg demo`` prints. Both are refused in production: the demo does not load there, and a
device with the demo secret is never accepted there (:func:`amtsweg.access.twofactor.device_refused`).
"""

from __future__ import annotations

import base64
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.models import Role, RoleAssignment
from amtsweg.access.services import TOTP_DEVICE_NAME, role_assignment_save
from amtsweg.access.sync import roles_sync
from amtsweg.access.twofactor import DEMO_TOTP_KEY
from amtsweg.accounts.demo import demo_citizen_logins, demo_citizens_ensure
from amtsweg.tenants.models import Authority, OrgUnit

DEMO_PASSWORD = "amtsweg-demo"  # noqa: S105 - documented demo password; the demo is refused in production
KREIS = "kreis-coesfeld"
DUELMEN = "duelmen"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    description: str  # shown to the person starting the demo
    authority: str  # slug
    role: str = ""  # role code; empty for the superuser
    org_unit: str = ""  # function slug of the org unit, empty: the whole authority
    superuser: bool = False
    name: tuple[str, str] = ("", "")  # first and last name (invented): staff appear by name, not by login


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(
        "admin",
        gettext_noop("Superuser: darf alles in der Verwaltung"),
        KREIS,
        superuser=True,
        name=("Andreas", "Hölscher"),
    ),
    DemoLogin(
        "fachadmin",
        gettext_noop("Fachadministration Kreis Coesfeld: Leistungen, Zuständigkeiten, Organisation"),
        KREIS,
        "fachadministration",
        name=("Friederike", "Brüning"),
    ),
    DemoLogin(
        "fachadmin-duelmen",
        gettext_noop("Fachadministration Stadt Dülmen: nur die Daten der Stadt Dülmen"),
        DUELMEN,
        "fachadministration",
        name=("Frank", "Wiesmann"),
    ),
    DemoLogin(
        "sb-jugendamt",
        gettext_noop("Sachbearbeitung im Jugendamt des Kreises"),
        KREIS,
        "sachbearbeitung",
        "jugendamt",
        name=("Sabine", "Kötter"),
    ),
    DemoLogin(
        "tl-jugendamt",
        gettext_noop("Teamleitung im Jugendamt des Kreises: verteilt die Vorgänge"),
        KREIS,
        "teamleitung",
        "jugendamt",
        name=("Thomas", "Overbeck"),
    ),
    DemoLogin(
        "sb-duelmen",
        gettext_noop("Sachbearbeitung im Bürgerbüro der Stadt Dülmen"),
        DUELMEN,
        "sachbearbeitung",
        "buergerbuero",
        name=("Stefanie", "Große-Kleimann"),
    ),
    DemoLogin(
        "sb-steuern-duelmen",
        gettext_noop("Sachbearbeitung im Steueramt der Stadt Dülmen: Hundesteuer"),
        DUELMEN,
        "sachbearbeitung",
        "steueramt",
        name=("Markus", "Schulze-Bertelsbeck"),
    ),
    DemoLogin(
        "digital",
        gettext_noop("Digitalisierungsteam des Kreises"),
        KREIS,
        "digitalisierungsteam",
        name=("Dana", "Schürmann"),
    ),
    DemoLogin(
        "strategie-duelmen",
        gettext_noop("Strategie-Beteiligung der Stadt Dülmen: bewertet im Quick-Check"),
        DUELMEN,
        "strategie-beteiligung",
        name=("Stefan", "Lütke-Wöstmann"),
    ),
    DemoLogin(
        "pruefung",
        gettext_noop("Auditor des Kreises: liest das Prüfprotokoll"),
        KREIS,
        "auditor",
        name=("Petra", "Hüsing"),
    ),
)


def demo_logins() -> list[tuple[str, str, str]]:
    """(user name, password, role) of the demo logins, for ``amtsweg demo`` to print.

    Staff first (they need the demo second factor), then the citizen and the company member.
    """
    staff = [(login.username, DEMO_PASSWORD, _(login.description)) for login in DEMO_LOGINS]
    return staff + demo_citizen_logins(DEMO_PASSWORD)


def demo_totp_secret() -> str:
    """The demo TOTP secret in Base32, as authenticator apps expect it."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii").rstrip("=")


def demo_logins_ensure() -> Counter[str]:
    """Create the logins, their roles and their demo second factor if missing; returns what changed.

    The password is set only when a login is created, so that a changed password survives a reload.
    """
    if settings.IS_PRODUCTION:
        raise ImproperlyConfigured(_("Die Demo-Zugänge werden in der Produktionsumgebung nicht angelegt."))
    counts: Counter[str] = Counter()
    roles_sync()
    user_model = get_user_model()
    manager: Any = user_model._default_manager
    for login in DEMO_LOGINS:
        authority = Authority.objects.get(slug=login.authority)
        user = manager.filter(**{user_model.USERNAME_FIELD: login.username}).first()
        if user is None:
            email = f"{login.username}@amtsweg.example"
            first, last = login.name
            staff = {"kind": "personal", "authority": authority, "first_name": first, "last_name": last}
            if login.superuser:
                user = manager.create_superuser(login.username, email, DEMO_PASSWORD, **staff)
            else:
                user = manager.create_user(login.username, email, DEMO_PASSWORD, is_staff=True, **staff)
            counts["users_created"] += 1
        elif not (user.first_name or user.last_name) and any(login.name):
            user.first_name, user.last_name = login.name  # logins of an older demo had no name
            user.save(update_fields=["first_name", "last_name"])
            counts["users_named"] += 1
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
            counts["devices_created"] += 1
        if login.role:
            org_unit = (
                OrgUnit.objects.get(authority=authority, function=login.org_unit) if login.org_unit else None
            )
            if org_unit is not None and not user.org_units.filter(pk=org_unit.pk).exists():
                user.org_units.add(org_unit)
            role = Role.objects.get(code=login.role)
            if not RoleAssignment.objects.filter(
                user=user, role=role, authority=authority, org_unit=org_unit
            ).exists():
                role_assignment_save(
                    actor=None,
                    assignment=RoleAssignment(user=user, role=role, authority=authority, org_unit=org_unit),
                    source="demo",
                )
                counts["roles_assigned"] += 1
    counts.update(demo_citizens_ensure(DEMO_PASSWORD))
    return counts
