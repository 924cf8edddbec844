"""Writes of the access app: role assignments and second factors (permission check + audit)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.models import RoleAssignment
from amtsweg.access.permissions import (
    can_manage_roles,
    can_manage_tasks,
    can_reset_second_factor,
    grants_forget,
    require,
)
from amtsweg.core.audit import audit_record
from amtsweg.core.task_recovery import task_requeue, task_state

RECOVERY_CODE_COUNT = 10
RECOVERY_DEVICE_NAME = "Wiederherstellungscodes"
TOTP_DEVICE_NAME = "Authenticator-App"
# Readable recovery codes: no 0/O, 1/l/I.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


@transaction.atomic
def role_assignment_save(*, actor: Any, assignment: RoleAssignment, source: str = "") -> RoleAssignment:
    """Create or change a role assignment (validated: staff account, unit of the authority)."""
    require(can_manage_roles(actor, assignment.authority_id))
    if assignment.pk is not None:
        previous = RoleAssignment.objects.get(pk=assignment.pk)
        require(can_manage_roles(actor, previous.authority_id))
    created = assignment.pk is None
    assignment.full_clean()
    assignment.save()
    grants_forget(assignment.user)
    audit_record(
        actor=actor,
        action="access.role.assigned" if created else "access.role.changed",
        obj=assignment,
        changes={
            "user": assignment.user.get_username(),
            "role": assignment.role.code,
            "authority": assignment.authority_id,
            "org_unit": assignment.org_unit_id,
        },
        authority_id=assignment.authority_id,
        source=source,
    )
    return assignment


@transaction.atomic
def role_assignment_delete(*, actor: Any, assignment: RoleAssignment, source: str = "") -> None:
    require(can_manage_roles(actor, assignment.authority_id))
    audit_record(
        actor=actor,
        action="access.role.withdrawn",
        obj=assignment,
        changes={"user": assignment.user.get_username(), "role": assignment.role.code},
        authority_id=assignment.authority_id,
        source=source,
    )
    assignment.delete()
    grants_forget(assignment.user)


def totp_device_start(*, user: Any) -> TOTPDevice:
    """A new, not yet confirmed authenticator for ``user``; earlier unconfirmed ones are dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: Any, device: TOTPDevice, source: str = "") -> list[str]:
    """Confirm ``device`` (its code was checked), drop older factors, return new recovery codes."""
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="access.second_factor.set_up",
        obj=user,
        authority_id=getattr(user, "authority_id", None),
        source=source,
    )
    return codes


def _recovery_codes_replace(user: Any) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def recovery_codes_renew(*, user: Any, source: str = "") -> list[str]:
    """Replace the user's recovery codes (all old ones stop working)."""
    codes = _recovery_codes_replace(user)
    audit_record(
        actor=user,
        action="access.recovery_codes.renewed",
        obj=user,
        authority_id=getattr(user, "authority_id", None),
        source=source,
    )
    return codes


@transaction.atomic
def second_factor_reset(*, actor: Any, colleague: Any, source: str = "") -> None:
    """Remove every second factor of ``colleague``; at the next login they set up a new one."""
    require(can_reset_second_factor(actor, colleague))
    removed = TOTPDevice.objects.filter(user=colleague).delete()[0]
    removed += StaticDevice.objects.filter(user=colleague).delete()[0]
    audit_record(
        actor=actor,
        action="access.second_factor.reset",
        obj=colleague,
        changes={"user": colleague.get_username(), "removed": removed},
        authority_id=getattr(colleague, "authority_id", None),
        source=source,
    )


# --- background tasks (the platform's operations; the mechanics live in core.task_recovery) --------------


def task_retry(*, actor: Any, task: Any, source: str = "") -> bool:
    """Start a failed or stuck background task again (Plattform-Admin). Returns ``False`` when the task
    needs no retry (it succeeded meanwhile, or still runs on a live worker)."""
    require(can_manage_tasks(actor))
    with transaction.atomic():
        state = task_state(task).code
        if not task_requeue(task):
            return False
        audit_record(
            actor=actor,
            action="core.task.retried",
            obj=task,
            changes={"task": task.task_path, "state": state, "attempts": len(task.worker_ids or [])},
            source=source,
        )
    return True
