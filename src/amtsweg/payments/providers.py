"""Payment provider plugins (a typed registry) and the first of them: XBezahldienste 1.2.

A plugin turns a :class:`~amtsweg.payments.models.Payment` into a transaction at its provider
(:meth:`ProviderPlugin.create`) and reads the state of that transaction (:meth:`ProviderPlugin.fetch`);
both return a :class:`TransactionState`. Everything a provider says is checked before it is believed:
the XBezahldienste plugin validates requests and answers against the OpenAPI document and asks the provider
itself for the status – the applicant's browser coming back (the redirect) is only a hint to ask.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol
from urllib.parse import quote

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from amtsweg.core.registry import Registry
from amtsweg.core.sealed import SecretUnreadable, unseal
from amtsweg.payments import openapi
from amtsweg.payments.fees import FeeLine
from amtsweg.payments.models import Payment, PaymentProvider


class ProviderError(Exception):
    """The provider could not be reached or answered something unusable (German message for the page)."""


@dataclass(frozen=True)
class TransactionState:
    status: str  # INITIAL, PAYED, FAILED, CANCELED (XBezahldienste names)
    transaction_id: str
    paypage_url: str = ""
    reference: str = ""
    method: str = ""
    detail: str = ""
    paid_at: datetime.datetime | None = None


class ProviderPlugin(Protocol):
    label: str

    def create(
        self,
        provider: PaymentProvider,
        payment: Payment,
        lines: list[FeeLine],
        return_url: str,
        description: str,
    ) -> TransactionState: ...

    def fetch(self, provider: PaymentProvider, payment: Payment) -> TransactionState: ...


payment_providers: Registry[ProviderPlugin] = Registry("Bezahldienst-Schnittstelle")

UNREACHABLE = (
    "Der Bezahldienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten erneut."
)


def _money(amount: Decimal) -> float:
    return float(amount.quantize(Decimal("0.01")))


def _slug36(text: str) -> str:
    cleaned = "".join(c if (c.isascii() and (c.isalnum() or c in "_-")) else "-" for c in text)
    return (cleaned.strip("-") or "Antrag")[:36]


class XBezahldienste:
    """XBezahldienste 1.2.0 (KoSIT/FITKO): ``POST /paymenttransaction/{originatorId}/{endPointId}`` creates
    the transaction, ``GET …/{transactionId}`` reads its status. Basic authentication when a user name is
    configured (the standard leaves authentication to the provider)."""

    label = "XBezahldienste 1.2"

    def _call(self, provider: PaymentProvider, method: str, path: str, body: Any = None) -> Any:
        auth = None
        if provider.username:
            try:
                auth = (provider.username, unseal(provider.password_sealed))
            except SecretUnreadable as error:
                raise ProviderError(_(UNREACHABLE)) from error
        url = provider.base_url.rstrip("/") + path
        try:
            answer = requests.request(
                method,
                url,
                json=body,
                auth=auth,
                headers={"X-XBezahldienste-Version": openapi.VERSION, "Accept": "application/json"},
                timeout=settings.AMTSWEG_PAYMENT_HTTP_TIMEOUT,
                allow_redirects=False,
            )
        except requests.RequestException as error:
            raise ProviderError(_(UNREACHABLE)) from error
        if answer.status_code != 200:
            raise ProviderError(
                _(
                    "Der Bezahldienst hat die Zahlung abgelehnt (HTTP %(status)s). "
                    "Bitte versuchen Sie es später erneut."
                )
                % {"status": answer.status_code}
            )
        try:
            return answer.json()
        except ValueError as error:
            raise ProviderError(_(UNREACHABLE)) from error

    def _state(self, payload: Any) -> TransactionState:
        problems = openapi.schema_problems("PaymentTransaction", payload)
        if problems:
            raise ProviderError(_("Die Antwort des Bezahldienstes ist ungültig: %(p)s") % {"p": problems[0]})
        info = payload["paymentInformation"]
        paid_at = None
        if info.get("transactionTimestamp"):
            try:
                paid_at = datetime.datetime.fromisoformat(info["transactionTimestamp"].replace("Z", "+00:00"))
            except ValueError:
                paid_at = None
        return TransactionState(
            status=info["status"],
            transaction_id=info["transactionId"],
            paypage_url=info.get("transactionRedirectUrl", ""),
            reference=info.get("transactionReference", ""),
            method=info.get("paymentMethod", ""),
            detail=info.get("statusDetail", ""),
            paid_at=paid_at,
        )

    def request_body(
        self, payment: Payment, lines: list[FeeLine], return_url: str, description: str
    ) -> dict[str, Any]:
        reference = _slug36(payment.form_version.form.key)
        items = [
            {
                "id": f"{number:02d}",
                "reference": reference,
                "description": line.label[:250],
                "taxRate": 0,
                "quantity": line.quantity,
                "totalNetAmount": _money(line.total),
                "totalTaxAmount": 0,
                "singleNetAmount": _money(line.unit),
                "singleTaxAmount": 0,
            }
            for number, line in enumerate(lines, start=1)
        ]
        body: dict[str, Any] = {
            "requestId": payment.pk.hex,
            "requestTimestamp": payment.created_at.isoformat(),
            "currency": "EUR",
            "grossAmount": _money(payment.amount),
            "purpose": payment.purpose,
            "redirectUrl": return_url,
            "items": items,
        }
        if description:
            body["description"] = description[:250]
        return body

    def create(
        self,
        provider: PaymentProvider,
        payment: Payment,
        lines: list[FeeLine],
        return_url: str,
        description: str,
    ) -> TransactionState:
        body = self.request_body(payment, lines, return_url, description)
        problems = openapi.schema_problems("PaymentRequest", body)
        if problems:  # our own message would not be accepted: a configuration error, not the applicant's
            raise ProviderError(_("Die Zahlung kann so nicht angelegt werden: %(p)s") % {"p": problems[0]})
        path = f"/paymenttransaction/{quote(provider.originator_id)}/{quote(provider.endpoint_id)}"
        return self._state(self._call(provider, "POST", path, body))

    def fetch(self, provider: PaymentProvider, payment: Payment) -> TransactionState:
        # Asked at the configured address, never at the transactionUrl the provider sent (it could point
        # anywhere).
        path = (
            f"/paymenttransaction/{quote(provider.originator_id)}/{quote(provider.endpoint_id)}/"
            f"{quote(payment.transaction_id, safe='')}"
        )
        return self._state(self._call(provider, "GET", path))


payment_providers.register("xbezahldienste")(XBezahldienste())
