"""Writes of online payment: one function per action, each with its permission check and audit entry.

* :func:`provider_save`, :func:`fee_save` – configuration (Fachadministration of the authority).
* :func:`payment_start` – the applicant starts paying: a transaction at the provider, the pay page to go to.
* :func:`payment_refresh` – ask the provider for the state (after the applicant came back, by the polling
  task) and apply it; a fee paid before submitting then submits the application (:func:`paid_draft_submit`).
* :func:`payments_poll` – the periodic task: refresh open payments, time out the ones left too long.
* :func:`on_submission_received` – in the intake transaction: link the paid payment to the new submission,
  or open the payment of a fee due after submitting.

Every change of a payment's state goes through :func:`_state_apply`: status, audit entry and the
registered hooks (outbound events) in one transaction.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_manage_integrations, require
from amtsweg.core import configcache
from amtsweg.core.actors import Actor, account, as_actor
from amtsweg.core.audit import audit_record
from amtsweg.core.outbound import outbound_url_check
from amtsweg.core.registry import Registry
from amtsweg.core.sealed import seal
from amtsweg.forms.conditions import condition_errors
from amtsweg.forms.models import FormVersion
from amtsweg.payments.fees import fee_lines, fee_total
from amtsweg.payments.models import FormFee, Payment, PaymentProvider
from amtsweg.payments.providers import ProviderError, TransactionState, payment_providers
from amtsweg.submissions.models import Draft, Submission

logger = logging.getLogger("amtsweg.payments")

# Told about every change of a payment's state, inside its transaction (outbound events register here).
PaymentHandler = Callable[[Payment], None]
payment_change_hooks: Registry[PaymentHandler] = Registry("Handler für Zahlungsänderungen")

_FINAL = {
    "PAYED": Payment.Status.PAID,
    "FAILED": Payment.Status.FAILED,
    "CANCELED": Payment.Status.CANCELLED,
}


# ---- configuration --------------------------------------------------------------------------------------


def provider_save(
    *, actor: Any, provider: PaymentProvider, password: str | None = None, source: str = ""
) -> PaymentProvider:
    """Create or change a payment provider of ``provider.authority``; ``password`` (if given) replaces the
    stored one, encrypted."""
    require(
        can_manage_integrations(actor, provider.authority_id),
        _("Sie dürfen die Bezahldienste dieser Behörde nicht ändern."),
    )
    if provider.kind not in payment_providers:
        raise ValidationError(_("Unbekannte Schnittstelle „%(kind)s“.") % {"kind": provider.kind})
    provider.base_url = outbound_url_check(provider.base_url).rstrip("/")
    created = provider.pk is None
    with transaction.atomic():
        if password:
            provider.password_sealed = seal(password)
        provider.full_clean()
        provider.save()
        audit_record(
            actor=actor,
            action="payment_provider.created" if created else "payment_provider.changed",
            obj=provider,
            changes={
                "url": provider.base_url,
                "endpoint": provider.endpoint_id,
                "test": provider.is_test,
                "active": provider.is_active,
                "password_changed": bool(password),
            },
            authority_id=provider.authority_id,
            source=source,
        )
    return provider


def _position_problems(positions: Any) -> list[str]:
    if not isinstance(positions, list):
        return [_("Die Zuschläge müssen eine Liste sein.")]
    problems: list[str] = []
    for number, position in enumerate(positions, start=1):
        if not isinstance(position, dict) or "amount" not in position:
            problems.append(_("Zuschlag %(n)s braucht mindestens „amount“.") % {"n": number})
            continue
        try:
            amount = Decimal(str(position["amount"]))
        except ArithmeticError:
            amount = Decimal("-1")
        if not amount.is_finite() or amount < 0:
            problems.append(_("Zuschlag %(n)s: „amount“ muss ein Betrag wie „10.00“ sein.") % {"n": number})
    return problems


def fee_save(*, actor: Any, fee: FormFee, source: str = "") -> FormFee:
    """Set the fee of a form version (Fachadministration of the form's authority). A published version's
    fee no longer changes – publish a new version instead; only the system (demo, import) may set it."""
    version = FormVersion.objects.select_related("form").get(pk=fee.form_version_id)
    require(
        can_manage_integrations(actor, version.form.owner_id),
        _("Sie dürfen die Gebühren dieser Formulare nicht ändern."),
    )
    if version.is_published and not as_actor(actor).is_system:
        raise ValidationError(
            _(
                "Die Version ist veröffentlicht; ihre Gebühr ändert sich nicht mehr. "
                "Legen Sie eine neue Version an."
            )
        )
    problems = _position_problems(fee.positions)
    for position in fee.positions if isinstance(fee.positions, list) else []:
        if isinstance(position, dict) and position.get("when"):
            problems += condition_errors(position["when"], version.spec().root)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        fee.full_clean()
        fee.save()
        audit_record(
            actor=actor,
            action="form_fee.saved",
            obj=fee,
            changes={"amount": str(fee.amount), "positions": len(fee.positions or []), "timing": fee.timing},
            authority_id=version.form.owner_id,
            source=source,
        )
    return fee


# ---- reads used by the pages ---------------------------------------------------------------------


FEE_AREA = "payments.fee"


def fee_of(version: FormVersion) -> FormFee | None:
    """The fee of ``version``; cached per process until a fee changes (:mod:`amtsweg.core.configcache`)."""
    return configcache.cached(
        FEE_AREA, version.pk, lambda: FormFee.objects.filter(form_version_id=version.pk).first()
    )


def provider_for(version: FormVersion, authority: Any) -> PaymentProvider | None:
    """The active provider of the responsible ``authority``, else of the form's authority."""
    candidates = [a for a in (getattr(authority, "pk", authority), version.form.owner_id) if a]
    for authority_id in candidates:
        found = (
            PaymentProvider.objects.filter(authority_id=authority_id, is_active=True).order_by("pk").first()
        )
        if found is not None:
            return found
    return None


def draft_authority(draft: Draft) -> Any:
    from amtsweg.submissions.services import responsible

    municipality = draft.municipality or getattr(draft.applicant, "municipality", None)
    authority, _unit = responsible(draft.form_version.form.service, municipality)
    return authority


def latest_payment(*, draft_id: Any = None, submission: Submission | None = None) -> Payment | None:
    payments = Payment.objects.select_related("provider")
    if submission is not None:
        payments = payments.filter(submission=submission)
    else:
        payments = payments.filter(draft_id=draft_id)
    return payments.order_by("-created_at").first()


def draft_paid(draft: Draft) -> bool:
    return Payment.objects.filter(draft_id=draft.pk, status=Payment.Status.PAID).exists()


# ---- paying ---------------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def return_token_valid(payment: Payment, token: str) -> bool:
    return bool(payment.return_token_hash) and hmac.compare_digest(
        payment.return_token_hash, _token_hash(token)
    )


def payment_start(
    *,
    actor: Any,
    base_url: str,
    draft: Draft | None = None,
    submission: Submission | None = None,
    source: str = "",
) -> Payment:
    """Start paying the fee of ``draft`` (fee due before submitting) or ``submission`` (after): create the
    transaction at the provider and return the payment, whose ``paypage_url`` the applicant goes to.

    An open payment whose pay page is still valid is reused (a second click does not charge twice); a
    paid one is returned as it is. The caller has checked that the requester may use the draft or
    submission. Raises :class:`ProviderError` (German) when the provider fails – nothing is stored then.
    ``base_url`` is the portal's address for the return link (scheme and host of the request).
    """
    if (draft is None) == (submission is None):
        raise ValueError("draft oder submission")
    version = draft.form_version if draft is not None else submission.form_version  # type: ignore[union-attr]
    fee = fee_of(version)
    if fee is None:
        raise ValidationError(_("Für diesen Antrag fällt keine Gebühr an."))
    data = draft.data if draft is not None else submission.data  # type: ignore[union-attr]
    amount = fee_total(fee, data)
    if amount <= 0:
        raise ValidationError(_("Für diesen Antrag fällt keine Gebühr an."))
    authority = draft_authority(draft) if draft is not None else submission.authority  # type: ignore[union-attr]
    provider = provider_for(version, authority)
    if provider is None:
        raise ProviderError(
            _(
                "Die Online-Zahlung ist für diese Behörde noch nicht eingerichtet. "
                "Bitte wenden Sie sich an die zuständige Stelle."
            )
        )
    now = timezone.now()
    latest = latest_payment(draft_id=draft.pk if draft else None, submission=submission)
    if latest is not None and latest.status == Payment.Status.PAID:
        return latest
    if (
        latest is not None
        and latest.status == Payment.Status.OPEN
        and latest.paypage_url
        and latest.expires_at
        and latest.expires_at > now
        and latest.amount == amount
    ):
        return latest
    token = secrets.token_urlsafe(24)
    placeholder = (
        latest
        if latest is not None and latest.status == Payment.Status.OPEN and not latest.transaction_id
        else None
    )
    payment = Payment(
        **({"id": placeholder.pk} if placeholder is not None else {}),
        form_version=version,
        draft_id=draft.pk if draft is not None else None,
        submission=submission,
        reference=submission.reference if submission is not None else "",
        authority_id=provider.authority_id,
        provider=provider,
        applicant=account(as_actor(actor)),
        amount=amount,
        purpose=fee.purpose,
        created_at=placeholder.created_at if placeholder is not None else now,
        expires_at=now + datetime.timedelta(minutes=settings.AMTSWEG_PAYMENT_TIMEOUT_MINUTES),
        return_token_hash=_token_hash(token),
    )
    return_url = base_url.rstrip("/") + reverse("payments:return", args=[payment.pk, token])
    plugin = payment_providers[provider.kind]
    state = plugin.create(provider, payment, fee_lines(fee, data), return_url, fee.description)
    with transaction.atomic():
        if latest is not None and latest.status == Payment.Status.OPEN and placeholder is None:
            _state_apply(latest, Payment.Status.EXPIRED, actor=actor, source=source, detail="ersetzt")
        payment.transaction_id = state.transaction_id
        payment.paypage_url = state.paypage_url
        if placeholder is not None:
            payment.save(force_update=True)
        else:
            payment.save(force_insert=True)
        audit_record(
            actor=actor,
            action="payment.started",
            obj=payment,
            changes={"amount": str(amount), "provider": provider.pk, "transaction": state.transaction_id},
            authority_id=payment.authority_id,
            source=source,
        )
    return payment


def _state_apply(
    payment: Payment,
    status: str,
    *,
    actor: Any,
    source: str = "",
    state: TransactionState | None = None,
    detail: str = "",
) -> Payment:
    """Set the payment's status (inside a transaction): audit entry and hooks when it changed."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    now = timezone.now()
    locked.last_checked_at = now
    if state is not None:
        locked.transaction_reference = state.reference[:36] or locked.transaction_reference
        locked.payment_method = state.method[:20] or locked.payment_method
        locked.status_detail = (state.detail or detail)[:99]
    if locked.status == status or locked.is_final:
        locked.save(
            update_fields=[
                "last_checked_at",
                "transaction_reference",
                "payment_method",
                "status_detail",
                "updated_at",
            ]
        )
        return locked
    previous = locked.status
    locked.status = status
    locked.finished_at = now
    if status == Payment.Status.PAID:
        locked.paid_at = (state.paid_at if state is not None and state.paid_at else None) or now
    if detail and not locked.status_detail:
        locked.status_detail = detail[:99]
    locked.save()
    audit_record(
        actor=actor,
        action="payment.status",
        obj=locked,
        changes={"from": previous, "to": status, "transaction": locked.transaction_id},
        authority_id=locked.authority_id,
        source=source,
    )
    for _identifier, handler in payment_change_hooks:
        handler(locked)
    return locked


def payment_refresh(*, payment: Payment, actor: Any = None, source: str = "") -> Payment:
    """Ask the provider for the state of ``payment`` and apply it; an open one past its time is timed out
    when the provider still calls it open. Raises :class:`ProviderError` when the provider fails."""
    actor = as_actor(actor)
    if payment.is_final or not payment.transaction_id or payment.provider is None:
        return payment
    state = payment_providers[payment.provider.kind].fetch(payment.provider, payment)
    if state.transaction_id != payment.transaction_id:
        raise ProviderError(_("Der Bezahldienst hat zu einer anderen Zahlung geantwortet."))
    status = _FINAL.get(state.status)
    with transaction.atomic():
        if status is not None:
            return _state_apply(payment, status, actor=actor, source=source, state=state)
        if payment.expires_at is not None and payment.expires_at <= timezone.now():
            return _state_apply(
                payment,
                Payment.Status.EXPIRED,
                actor=actor,
                source=source,
                state=state,
                detail="Zeit abgelaufen",
            )
        return _state_apply(payment, Payment.Status.OPEN, actor=actor, source=source, state=state)


def paid_draft_submit(payment: Payment, *, actor: Any, source: str = "") -> Submission | None:
    """Submit the draft whose fee ``payment`` paid (fee due before submitting); ``None`` when that is not
    possible (the draft is gone, expired or no longer valid – staff see the paid payment without case)."""
    from amtsweg.submissions.services import SubmissionInvalid, submission_for_draft, submission_submit

    if payment.status != Payment.Status.PAID or payment.draft_id is None:
        return None
    done = submission_for_draft(payment.draft_id)
    if done is not None:
        return done
    draft = Draft.objects.select_related("form_version__form").filter(pk=payment.draft_id).first()
    if draft is None:
        return None
    try:
        return submission_submit(draft=draft, actor=actor, source=source)
    except (SubmissionInvalid, PermissionDenied) as error:
        logger.warning("Bezahlter Entwurf %s nicht abgesendet: %s", draft.pk, error)
        return None


def owner_actor(payment: Payment) -> Actor:
    if payment.applicant is not None:
        return Actor.of_user(payment.applicant)
    return Actor.anonymous("Antragsteller ohne Konto")


def payments_poll(*, limit: int = 200) -> dict[str, int]:
    """Refresh open payments at their providers (oldest check first); submit drafts paid meanwhile (the
    applicant paid but closed the browser before coming back) and time out forgotten payments."""
    counts = {"abgefragt": 0, "abgeschlossen": 0, "fehler": 0}
    now = timezone.now()
    due = (
        Payment.objects.filter(status=Payment.Status.OPEN)
        .exclude(transaction_id="")
        .select_related("provider", "form_version__form", "applicant")
    )
    recent = now - datetime.timedelta(seconds=50)
    for payment in due.order_by("last_checked_at", "created_at")[:limit]:
        if payment.last_checked_at and payment.last_checked_at > recent:
            continue
        counts["abgefragt"] += 1
        try:
            refreshed = payment_refresh(payment=payment, actor=Actor.system("payments.poll"))
        except ProviderError as error:
            counts["fehler"] += 1
            logger.info("Zahlung %s nicht abgefragt: %s", payment.pk, error)
            Payment.objects.filter(pk=payment.pk).update(last_checked_at=now)
            if payment.expires_at and payment.expires_at + datetime.timedelta(hours=24) < now:
                with transaction.atomic():
                    _state_apply(
                        payment,
                        Payment.Status.EXPIRED,
                        actor=Actor.system("payments.poll"),
                        detail="Bezahldienst nicht erreichbar",
                    )
            continue
        if refreshed.is_final:
            counts["abgeschlossen"] += 1
        if refreshed.status == Payment.Status.PAID and refreshed.draft_id and refreshed.submission_id is None:
            paid_draft_submit(refreshed, actor=owner_actor(refreshed), source="payments.poll")
    # Payments due after submitting that were never started have no transaction to ask; they stay open.
    return counts


# ---- intake hook ------------------------------------------------------------------------------------------


def on_submission_received(submission: Submission, actor: Actor) -> None:
    """In the intake transaction: a payment made before submitting now belongs to the submission; a fee
    due after submitting opens its payment (without a transaction until the applicant starts paying)."""
    from amtsweg.submissions.services import draft_id_of

    draft_id = draft_id_of(submission)
    if draft_id is not None:
        updated = Payment.objects.filter(draft_id=draft_id, submission__isnull=True).update(
            submission=submission, reference=submission.reference
        )
        if updated:
            return
    fee = fee_of(submission.form_version)
    # A web application with a fee due before submitting was paid (linked above); one through the API had
    # no browser to pay in, so its payment is opened like one due after submitting.
    if fee is None or (fee.timing != FormFee.Timing.AFTER and draft_id is not None):
        return
    amount = fee_total(fee, submission.data)
    if amount <= 0:
        return
    provider = provider_for(submission.form_version, submission.authority)
    authority_id = (
        provider.authority_id
        if provider is not None
        else (submission.authority_id or submission.form_version.form.owner_id)
    )
    Payment.objects.create(
        form_version=submission.form_version,
        submission=submission,
        reference=submission.reference,
        authority_id=authority_id,
        provider=provider,
        applicant=submission.applicant,
        amount=amount,
        purpose=fee.purpose,
    )


def payments_export(*, actor: Any, payments: list[Payment], source: str = "") -> bytes:
    """The reconciliation CSV of ``payments`` (:mod:`amtsweg.payments.export`) for the cash office; only
    payments of authorities where ``actor`` may manage integrations, recorded in the audit trail."""
    from amtsweg.payments.export import payments_csv

    authorities = {p.authority_id for p in payments}
    for authority_id in authorities:
        require(
            can_manage_integrations(actor, authority_id),
            _("Sie dürfen die Zahlungen dieser Behörde nicht exportieren."),
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="payments.exported",
            changes={"count": len(payments)},
            authority_id=next(iter(authorities)) if len(authorities) == 1 else None,
            source=source,
        )
    return payments_csv(payments)
