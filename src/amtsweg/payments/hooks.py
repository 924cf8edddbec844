"""What online payment plugs into the submissions app (registered in ``PaymentsConfig.ready``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from amtsweg.payments import services
from amtsweg.payments.fees import euro, fee_total
from amtsweg.payments.models import FormFee, Payment
from amtsweg.submissions.hooks import Notice
from amtsweg.submissions.models import Draft, Submission


def submit_guard(draft: Draft) -> str | None:
    """A fee due before submitting must be paid first: the address of the payment page."""
    fee = services.fee_of(draft.form_version)
    if fee is None or fee.timing != FormFee.Timing.BEFORE or fee_total(fee, draft.data) <= 0:
        return None
    if services.draft_paid(draft):
        return None
    return reverse("payments:draft", args=[draft.pk])


def summary_notices(draft: Draft) -> list[Notice]:
    fee = services.fee_of(draft.form_version)
    if fee is None:
        return []
    amount = fee_total(fee, draft.data)
    if amount <= 0:
        return []
    if fee.timing == FormFee.Timing.BEFORE:
        if services.draft_paid(draft):
            return [Notice(_("Die Gebühr von %(amount)s ist bezahlt.") % {"amount": euro(amount)})]
        text = _(
            "Für diesen Antrag fällt eine Gebühr von %(amount)s an. Nach dem Klick auf „Absenden“ bezahlen "
            "Sie sie online; danach wird der Antrag abgesendet."
        )
    else:
        text = _(
            "Für diesen Antrag fällt eine Gebühr von %(amount)s an. "
            "Sie bezahlen sie nach dem Absenden online."
        )
    return [Notice(text % {"amount": euro(amount)})]


def receipt_notices(submission: Submission) -> list[Notice]:
    payment = services.latest_payment(submission=submission)
    if payment is None:
        return []
    if payment.status == Payment.Status.PAID:
        return [Notice(_("Die Gebühr von %(amount)s ist bezahlt.") % {"amount": euro(payment.amount)})]
    return [
        Notice(
            _("Bitte bezahlen Sie die Gebühr von %(amount)s.") % {"amount": euro(payment.amount)},
            url=reverse("payments:submission", args=[submission.pk]),
            label=_("Gebühr jetzt bezahlen"),
            needs_action=True,
        )
    ]
