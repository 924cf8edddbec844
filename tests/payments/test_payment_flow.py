"""Paying a fee through the local XBezahldienste simulator (a second process), without JavaScript: before
submitting (the application is sent once paid), after submitting (from the receipt and the case page),
cancelled, failed, timed out, paid while the browser was closed – and the return address proves nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import requests
from django.test import Client
from django.utils import timezone

from amtsweg.cases.models import Case
from amtsweg.cases.tests.conftest import CaseWorld
from amtsweg.payments import services
from amtsweg.payments.models import FormFee, Payment, PaymentProvider
from amtsweg.payments.testing import fee_set
from amtsweg.submissions.models import Draft, Submission
from amtsweg.submissions.views import _steps


def _ready_draft(cw: CaseWorld, client: Client) -> Draft:
    client.force_login(cw.applicant)
    draft = cw.base.draft(actor=cw.applicant)
    draft.completed_steps = [s.key for s in _steps(draft.form_version.spec())]
    draft.save(update_fields=["completed_steps"])
    return draft


def _choose(paypage: str, action: str) -> str:
    """The person on the simulator's pay page presses a button; returns where it sends the browser."""
    page = requests.get(paypage, timeout=10)
    assert "Testbezahldienst" in page.text
    assert "15,00 €" in page.text
    answer = requests.post(paypage, data={"aktion": action}, allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def _local(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_fee_before_submitting_is_paid_then_the_application_is_sent(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    draft = _ready_draft(cw, client)
    summary = client.get(f"/antrag/entwurf/{draft.pk}/zusammenfassung/")
    assert "Gebühr von 15,00 €" in summary.content.decode()
    answer = client.post(f"/antrag/entwurf/{draft.pk}/absenden/")
    assert answer.status_code == 302
    assert answer["Location"] == f"/bezahlung/entwurf/{draft.pk}/"
    assert not Submission.objects.exists()
    pay_page = client.get(answer["Location"])
    # The pay form is redirected to the provider: this page's form-action allows it (browsers check that).
    form_action = next(
        part for part in pay_page["Content-Security-Policy"].split(";") if "form-action" in part
    )
    assert provider.base_url.split("/xbzd")[0] in form_action
    page = pay_page.content.decode()
    assert "15,00 €" in page
    assert "Testbezahldienst" in page
    assert "noch nicht abgesendet" in page
    started = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    assert started.status_code == 303
    back = _choose(started["Location"], "CREDITCARD")
    assert back.startswith("http://testserver/bezahlung/rueckkehr/")
    receipt = client.get(_local(back))
    assert receipt.status_code == 302
    assert "/antrag/eingang/" in receipt["Location"]
    submission = Submission.objects.get()
    payment = Payment.objects.get()
    assert payment.status == Payment.Status.PAID
    assert payment.submission == submission
    assert payment.reference == submission.reference
    assert payment.amount == Decimal("15.00")
    assert payment.transaction_reference.startswith("KZ-")
    assert payment.payment_method == "CREDITCARD"
    assert "Die Gebühr von 15,00 € ist bezahlt." in client.get(receipt["Location"]).content.decode()
    case = Case.objects.get(submission=submission)
    # The applicant's case page shows the payment.
    mine = client.get(f"/vorgaenge/mein/{case.reference}/").content.decode()
    assert "15,00 € – bezahlt" in mine


def test_cancelled_and_failed_payments_send_nothing_and_can_be_retried(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    draft = _ready_draft(cw, client)
    first = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    page = client.get(_local(_choose(first["Location"], "abbrechen"))).content.decode()
    assert "abgebrochen" in page
    assert "Erneut bezahlen" in page
    second = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    assert second["Location"] != first["Location"]
    page = client.get(_local(_choose(second["Location"], "fehler"))).content.decode()
    assert "fehlgeschlagen" in page
    assert not Submission.objects.exists()
    assert sorted(Payment.objects.values_list("status", flat=True)) == ["abgebrochen", "fehlgeschlagen"]
    # Submitting is still refused until paid.
    assert (
        client.post(f"/antrag/entwurf/{draft.pk}/absenden/")["Location"] == f"/bezahlung/entwurf/{draft.pk}/"
    )
    third = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    client.get(_local(_choose(third["Location"], "PAYPAL")))
    assert Submission.objects.count() == 1


def test_fee_after_submitting_is_paid_from_the_receipt(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version, FormFee.Timing.AFTER)
    draft = _ready_draft(cw, client)
    receipt_url = client.post(f"/antrag/entwurf/{draft.pk}/absenden/")["Location"]
    assert "/antrag/eingang/" in receipt_url
    receipt = client.get(receipt_url).content.decode()
    assert "Bitte bezahlen Sie die Gebühr von 15,00 €." in receipt
    assert "Gebühr jetzt bezahlen" in receipt
    submission = Submission.objects.get()
    case = Case.objects.get(submission=submission)
    staff = Client()
    assert Payment.objects.get().status == Payment.Status.OPEN
    mine = client.get(f"/vorgaenge/mein/{case.reference}/").content.decode()
    assert "15,00 € – offen" in mine
    assert "Jetzt bezahlen" in mine
    started = client.post(f"/vorgaenge/mein/{case.reference}/bezahlen/")
    assert started.status_code == 303
    done = client.get(_local(_choose(started["Location"], "GIROPAY"))).content.decode()
    assert "Vielen Dank" in done
    assert submission.reference in done
    payment = Payment.objects.get()  # the open payment of the intake was used, not a second one
    assert payment.status == Payment.Status.PAID
    assert payment.submission == submission
    del staff


def test_return_address_needs_its_token_and_proves_nothing(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    draft = _ready_draft(cw, client)
    client.post(f"/bezahlung/entwurf/{draft.pk}/")
    payment = Payment.objects.get()
    assert client.get(f"/bezahlung/rueckkehr/{payment.pk}/falsch/").status_code == 404
    # A forged "I have paid" on the real return address: the provider is asked and says INITIAL.
    token_page = client.get(f"/bezahlung/entwurf/{draft.pk}/")
    assert token_page.status_code == 200
    assert Payment.objects.get().status == Payment.Status.OPEN
    assert not Submission.objects.exists()


def test_polling_finds_a_payment_made_while_the_browser_was_closed_and_times_out_others(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    draft = _ready_draft(cw, client)
    started = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    _choose(started["Location"], "CREDITCARD")  # paid, but the browser never comes back
    other = cw.base.draft(actor=cw.applicant)
    forgotten = services.payment_start(actor=cw.applicant, base_url="http://testserver", draft=other)
    Payment.objects.filter(pk=forgotten.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    counts = services.payments_poll()
    assert counts["abgefragt"] == 2
    assert counts["abgeschlossen"] == 2
    assert Payment.objects.get(pk=forgotten.pk).status == Payment.Status.EXPIRED
    submission = Submission.objects.get()
    assert Payment.objects.get(draft_id=draft.pk).submission == submission
    assert Case.objects.filter(submission=submission).exists()


def test_provider_down_gives_a_clear_message_not_a_500(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    PaymentProvider.objects.filter(pk=provider.pk).update(base_url="http://127.0.0.1:9/xbzd")
    draft = _ready_draft(cw, client)
    answer = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    assert answer.status_code == 503
    assert "nicht erreichbar" in answer.content.decode()
    assert not Payment.objects.exists()


def test_wrong_credentials_are_refused_by_the_provider(
    cw: CaseWorld, provider: PaymentProvider, client: Client, media: Any
) -> None:
    fee_set(cw.base.version)
    services.provider_save(actor=services.Actor.system("test"), provider=provider, password="falsch")
    draft = _ready_draft(cw, client)
    answer = client.post(f"/bezahlung/entwurf/{draft.pk}/")
    assert answer.status_code == 503
    assert "HTTP 403" in answer.content.decode()
