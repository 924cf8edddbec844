"""Writes of the access app: role assignments and second factors (permission check + audit)."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtsweg.access.models import ApprovalRequest, RoleAssignment
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


def _is_person(actor: Any) -> bool:
    return actor is not None and bool(getattr(actor, "is_authenticated", False))


def _approval_requested(
    *, actor: Any, kind: str, target: Any, authority_id: Any, source: str, **details: Any
) -> ApprovalRequest:
    request = ApprovalRequest.objects.create(
        kind=kind, requested_by=actor, target=target, authority_id=authority_id, **details
    )
    audit_record(
        actor=actor,
        action="access.approval.requested",
        obj=request,
        changes={
            "art": kind,
            "konto": f"konto-{target.pk}",
            **{name: getattr(value, "pk", value) for name, value in details.items()},
        },
        authority_id=authority_id,
        source=source,
    )
    return request


@transaction.atomic
def role_assignment_save(
    *, actor: Any, assignment: RoleAssignment, source: str = ""
) -> RoleAssignment | ApprovalRequest:
    """Create or change a role assignment (validated: staff account, unit of the authority).

    A role for oneself is not given at once: it becomes an :class:`ApprovalRequest` that another person
    with the right to manage roles approves (:func:`approval_decide`); that request is returned.
    """
    require(can_manage_roles(actor, assignment.authority_id))
    if assignment.pk is not None:
        previous = RoleAssignment.objects.get(pk=assignment.pk)
        require(can_manage_roles(actor, previous.authority_id))
    created = assignment.pk is None
    assignment.full_clean()
    if _is_person(actor) and assignment.user_id == actor.pk:
        return _approval_requested(
            actor=actor,
            kind=ApprovalRequest.Kind.ROLE_GRANT,
            target=actor,
            authority_id=assignment.authority_id,
            source=source,
            role=assignment.role,
            org_unit=assignment.org_unit if assignment.org_unit_id else None,
        )
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


def _permissions_of(user: Any) -> tuple[frozenset[str], bool]:
    """All permissions of ``user``'s roles, and whether one of them is platform-wide."""
    perms: set[str] = set()
    platform = False
    for assignment in RoleAssignment.objects.filter(user_id=user.pk).select_related("role"):
        perms.update(assignment.role.permissions)
        platform = platform or assignment.role.platform_wide
    return frozenset(perms), platform


def is_higher_account(actor: Any, colleague: Any) -> bool:
    """Does ``colleague`` have rights ``actor`` lacks (superuser, platform-wide role, other permissions)?"""
    if getattr(actor, "is_superuser", False):
        return bool(getattr(colleague, "is_superuser", False))  # superuser over superuser: four eyes
    if getattr(colleague, "is_superuser", False):
        return True
    theirs, their_platform = _permissions_of(colleague)
    mine, my_platform = _permissions_of(actor)
    return (their_platform and not my_platform) or not theirs <= mine


@transaction.atomic
def second_factor_reset(*, actor: Any, colleague: Any, source: str = "") -> ApprovalRequest | None:
    """Remove every second factor of ``colleague``; at the next login they set up a new one.

    Resetting an account with more rights than one's own (see :func:`is_higher_account`) needs a second
    person: an :class:`ApprovalRequest` is created and returned, nothing is reset yet.
    """
    require(can_reset_second_factor(actor, colleague))
    if _is_person(actor) and is_higher_account(actor, colleague):
        return _approval_requested(
            actor=actor,
            kind=ApprovalRequest.Kind.SECOND_FACTOR_RESET,
            target=colleague,
            authority_id=getattr(colleague, "authority_id", None),
            source=source,
        )
    _second_factor_remove(actor=actor, colleague=colleague, source=source)
    return None


def _second_factor_remove(*, actor: Any, colleague: Any, source: str) -> None:
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


# --- four-eyes approvals ---------------------------------------------------------------------------------


def can_decide_approval(actor: Any, request: ApprovalRequest) -> bool:
    """Another person (never the requester, never the account concerned) with the same right."""
    if not _is_person(actor) or actor.pk in (request.requested_by_id, request.target_id):
        return False
    if request.kind == ApprovalRequest.Kind.ROLE_GRANT:
        return can_manage_roles(actor, request.authority_id)
    return can_reset_second_factor(actor, request.target)


def approvals_open_for(actor: Any) -> list[ApprovalRequest]:
    """Pending requests ``actor`` may decide (newest first)."""
    pending = ApprovalRequest.objects.filter(state=ApprovalRequest.State.PENDING).select_related(
        "requested_by", "target", "role", "authority", "org_unit"
    )
    return [request for request in pending if can_decide_approval(actor, request)]


@transaction.atomic
def approval_decide(*, actor: Any, request: ApprovalRequest, approve: bool, source: str = "") -> None:
    """Approve (the change is made now, in the approver's name) or reject a pending request."""
    request = ApprovalRequest.objects.select_for_update().get(pk=request.pk)
    if not can_decide_approval(actor, request):
        raise PermissionDenied(_("Über diesen Antrag muss eine andere berechtigte Person entscheiden."))
    if request.state != ApprovalRequest.State.PENDING:
        raise ValidationError(_("Über diesen Antrag wurde schon entschieden."))
    request.state = ApprovalRequest.State.APPROVED if approve else ApprovalRequest.State.REJECTED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="access.approval.approved" if approve else "access.approval.rejected",
        obj=request,
        changes={
            "art": request.kind,
            "konto": f"konto-{request.target_id}",
            "beantragt_von": request.requested_by_id,
        },
        authority_id=request.authority_id,
        source=source,
    )
    if not approve:
        return
    if request.kind == ApprovalRequest.Kind.ROLE_GRANT:
        assignment = RoleAssignment(
            user=request.target, role=request.role, authority=request.authority, org_unit=request.org_unit
        )
        role_assignment_save(actor=actor, assignment=assignment, source=source)
    else:
        _second_factor_remove(actor=actor, colleague=request.target, source=source)


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
