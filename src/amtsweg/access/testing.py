"""Helpers for tests of every app: staff accounts with roles, and a client logged in with a second factor.

Kept outside ``tests/`` so that app tests can import it; nothing in production code uses it.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.models import STAFF_KIND, Role, RoleAssignment
from amtsweg.access.sync import roles_sync

PASSWORD = "ein-langes-test-passwort"  # noqa: S105 - test accounts only


def staff_create(
    username: str,
    authority: Any,
    *roles: str | tuple[str, Any],
    superuser: bool = False,
    is_staff: bool = True,
) -> Any:
    """A staff account of ``authority`` with ``roles`` (role code, or (role code, org unit))."""
    manager: Any = get_user_model()._default_manager
    create = manager.create_superuser if superuser else manager.create_user
    extra = {} if superuser else {"is_staff": is_staff}
    user = create(
        username, f"{username}@amtsweg.example", PASSWORD, kind=STAFF_KIND, authority=authority, **extra
    )
    roles_sync()
    for entry in roles:
        code, org_unit = (entry, None) if isinstance(entry, str) else entry
        assignment = RoleAssignment(
            user=user, role=Role.objects.get(code=code), authority=authority, org_unit=org_unit
        )
        assignment.full_clean()
        assignment.save()
        if org_unit is not None:
            user.org_units.add(org_unit)
    return user


def totp_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device (created when missing)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


def login_verified(client: Client, user: Any) -> Client:
    """Log ``client`` in as ``user`` with a verified second factor, as after ``access:otp_verify``."""
    device = totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
