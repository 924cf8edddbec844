"""Reads of online payment for other apps' pages (the case page of staff and of the applicant)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from amtsweg.payments.fees import euro
from amtsweg.payments.models import Payment
from amtsweg.submissions.models import Submission


@dataclass(frozen=True)
class PaymentSummary:
    amount: str  # "30,00 €"
    status: str
    status_label: str
    open: bool
    paid_at: datetime.datetime | None
    transaction_reference: str
    is_test: bool


def payment_summary(submission: Submission) -> PaymentSummary | None:
    """The newest payment of ``submission`` as the case pages show it; ``None`` without a fee."""
    payment = (
        Payment.objects.filter(submission=submission)
        .select_related("provider")
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        return None
    return PaymentSummary(
        amount=euro(payment.amount),
        status=payment.status,
        status_label=str(payment.get_status_display()),
        open=payment.status != Payment.Status.PAID,
        paid_at=payment.paid_at,
        transaction_reference=payment.transaction_reference,
        is_test=bool(payment.provider and payment.provider.is_test),
    )
