"""The applicant's payment pages: pay the fee before submitting (draft) or after (submission), and the
page the provider sends the applicant back to. Plain forms and redirects – no JavaScript needed."""

from __future__ import annotations

from functools import partial
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from amtsweg.core.audit import request_source
from amtsweg.payments import services
from amtsweg.payments.fees import euro, fee_lines, fee_total
from amtsweg.payments.models import FormFee, Payment, PaymentProvider
from amtsweg.payments.providers import ProviderError
from amtsweg.submissions.models import Draft, Submission
from amtsweg.submissions.views import draft_check_complete, receipt_redirect, submitter, with_draft
from amtsweg.submissions.views_receipt import may_see_submission

MESSAGES: dict[str, Any] = {
    Payment.Status.FAILED: gettext_lazy(
        "Die Zahlung ist fehlgeschlagen. Es wurde nichts abgebucht. Bitte versuchen Sie es erneut."
    ),
    Payment.Status.CANCELLED: gettext_lazy("Sie haben die Zahlung abgebrochen. Es wurde nichts abgebucht."),
    Payment.Status.EXPIRED: gettext_lazy(
        "Die Zahlung wurde nicht rechtzeitig abgeschlossen. Es wurde nichts abgebucht. "
        "Bitte starten Sie sie neu."
    ),
}


def _base(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _page(
    request: HttpRequest,
    *,
    fee: FormFee,
    data: Any,
    title: str,
    action: str,
    latest: Payment | None,
    before: bool,
    authority: Any,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    provider = latest.provider if latest is not None and latest.provider else None
    if provider is None:
        provider = services.provider_for(fee.form_version, authority)
    response = render(
        request,
        "payments/pay.html",
        {
            "title": title,
            "lines": [
                (line.label, line.quantity, euro(line.unit), euro(line.total))
                for line in fee_lines(fee, data)
            ],
            "total": euro(fee_total(fee, data)),
            "purpose": fee.purpose,
            "action": action,
            "latest": latest,
            "message": MESSAGES.get(latest.status, "") if latest is not None else "",
            "before": before,
            "test_provider": bool(provider and provider.is_test),
            "error": error,
        },
        status=status,
    )
    _allow_provider_redirect(response, provider)
    return response


def _allow_provider_redirect(response: HttpResponse, provider: PaymentProvider | None) -> None:
    """The "pay" form posts here and is redirected to the provider's pay page; browsers check that redirect
    against the page's ``form-action``. This page alone also allows the provider's address and any
    ``https:`` address (the pay page may live on another host than the provider's API)."""
    policy: dict[str, Any] = settings.SECURE_CSP
    configured: list[str] = list(policy.get("form-action") or [CSP.SELF])
    sources = [*configured, "https:"]
    if provider is not None:
        parts = urlsplit(provider.base_url)
        sources.append(f"{parts.scheme}://{parts.netloc}")
    response._csp_config = {**settings.SECURE_CSP, "form-action": sources}  # type: ignore[attr-defined]


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@with_draft
def draft_pay(request: HttpRequest, draft: Draft) -> HttpResponse:
    """Pay the fee before the application is submitted; once paid, it is submitted."""
    if (problem := draft_check_complete(request, draft)) is not None:
        return problem
    fee = services.fee_of(draft.form_version)
    if fee is None or fee_total(fee, draft.data) <= 0:
        return redirect("submissions:summary", draft.pk)
    latest = services.latest_payment(draft_id=draft.pk)
    title = draft.form_version.form.title
    if latest is not None and latest.status == Payment.Status.PAID:
        submission = services.paid_draft_submit(
            latest, actor=submitter(request), source=request_source(request, "web")
        )
        if submission is not None:
            return receipt_redirect(request, submission)
    page = partial(
        _page,
        request,
        fee=fee,
        data=draft.data,
        title=title,
        action=request.path,
        latest=latest,
        before=True,
        authority=services.draft_authority(draft),
    )
    if request.method == "POST":
        try:
            payment = services.payment_start(
                actor=submitter(request),
                base_url=_base(request),
                draft=draft,
                source=request_source(request, "web"),
            )
        except ProviderError as error:
            return page(error=str(error), status=503)
        except ValidationError:
            return redirect("submissions:summary", draft.pk)
        return HttpResponseRedirect(payment.paypage_url, status=303)
    return page()


def submission_for(request: HttpRequest, submission_id: Any) -> Submission:
    submission = (
        Submission.objects.select_related("form_version__form", "authority").filter(pk=submission_id).first()
    )
    if submission is None or not may_see_submission(request, submission):
        raise Http404(_("Diesen Antrag gibt es nicht oder Sie dürfen ihn nicht sehen."))
    return submission


def submission_pay_response(request: HttpRequest, submission: Submission, back: str) -> HttpResponse:
    """The payment page of a submitted application (from the receipt or the applicant's case page; the
    caller has checked access)."""
    fee = services.fee_of(submission.form_version)
    if fee is None or fee_total(fee, submission.data) <= 0:
        raise Http404(_("Für diesen Antrag fällt keine Gebühr an."))
    latest = services.latest_payment(submission=submission)
    title = f"{submission.form_version.form.title} ({submission.reference})"
    if latest is not None and latest.status == Payment.Status.PAID:
        return render(
            request, "payments/result.html", {"payment": latest, "amount": euro(latest.amount), "back": back}
        )
    page = partial(
        _page,
        request,
        fee=fee,
        data=submission.data,
        title=title,
        action=request.path,
        latest=latest,
        before=False,
        authority=submission.authority,
    )
    if request.method == "POST":
        try:
            payment = services.payment_start(
                actor=submitter(request),
                base_url=_base(request),
                submission=submission,
                source=request_source(request, "web"),
            )
        except ProviderError as error:
            return page(error=str(error), status=503)
        return HttpResponseRedirect(payment.paypage_url, status=303)
    return page()


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def submission_pay(request: HttpRequest, submission_id: Any) -> HttpResponse:
    submission = submission_for(request, submission_id)
    return submission_pay_response(request, submission, reverse("submissions:receipt", args=[submission.pk]))


@never_cache
@require_http_methods(["GET", "HEAD"])
def payment_return(request: HttpRequest, payment_id: Any, token: str) -> HttpResponse:
    """Where the provider sends the applicant back. The address carries a secret token of this payment;
    the state itself is asked from the provider, never taken from the address."""
    payment = (
        Payment.objects.select_related("provider", "form_version__form", "submission")
        .filter(pk=payment_id)
        .first()
    )
    if payment is None or not services.return_token_valid(payment, token):
        raise Http404(_("Diese Zahlung gibt es nicht."))
    try:
        payment = services.payment_refresh(
            payment=payment, actor=submitter(request), source=request_source(request, "web")
        )
    except ProviderError as error:
        return render(request, "payments/result.html", {"payment": payment, "error": str(error)}, status=503)
    if payment.status == Payment.Status.PAID and payment.submission_id is None and payment.draft_id:
        submission = services.paid_draft_submit(
            payment, actor=services.owner_actor(payment), source=request_source(request, "web")
        )
        if submission is not None:
            return receipt_redirect(request, submission)
    if payment.status in (Payment.Status.FAILED, Payment.Status.CANCELLED, Payment.Status.EXPIRED):
        again = (
            reverse("payments:draft", args=[payment.draft_id])
            if payment.draft_id and payment.submission_id is None
            else reverse("payments:submission", args=[payment.submission_id])
            if payment.submission_id
            else ""
        )
        if payment.submission_id:
            receipt_redirect(request, payment.submission)  # type: ignore[arg-type]
        return render(
            request,
            "payments/result.html",
            {
                "payment": payment,
                "amount": euro(payment.amount),
                "message": MESSAGES[payment.status],
                "again": again,
            },
        )
    back = ""
    if payment.submission_id:
        receipt_redirect(request, payment.submission)  # type: ignore[arg-type]
        back = reverse("submissions:receipt", args=[payment.submission_id])
    return render(
        request, "payments/result.html", {"payment": payment, "amount": euro(payment.amount), "back": back}
    )
