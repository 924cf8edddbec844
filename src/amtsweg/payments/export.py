"""The reconciliation export for the cash office (Kreiskasse): one CSV row per payment.

Semicolon-separated UTF-8 with a byte order mark (Excel opens it with umlauts intact), amounts with a
decimal comma, dates as TT.MM.JJJJ HH:MM. Cells that a spreadsheet would run as a formula (starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading apostrophe (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone

from amtsweg.payments.models import Payment

HEADER = [
    "Aktenzeichen",
    "Kassenzeichen",
    "Transaktions-ID",
    "Betrag",
    "Währung",
    "Verwendungszweck",
    "Status",
    "Zahlart",
    "bezahlt am",
    "angelegt am",
    "Formular",
    "Behörde (Kasse)",
    "Bezahldienst",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _when(value: object) -> str:
    return timezone.localtime(value).strftime("%d.%m.%Y %H:%M") if value else ""  # type: ignore[arg-type]


def payments_csv(payments: Iterable[Payment]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADER)
    for p in payments:
        writer.writerow(
            [
                cell(value)
                for value in (
                    p.reference,
                    p.transaction_reference,
                    p.transaction_id,
                    f"{p.amount:.2f}".replace(".", ","),
                    "EUR",
                    p.purpose,
                    p.get_status_display(),
                    p.payment_method,
                    _when(p.paid_at),
                    _when(p.created_at),
                    p.form_version.form.title,
                    p.authority.name,
                    p.provider.name if p.provider else "",
                )
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
