"""Demo online payment: the Bewohnerparkausweis (FIM S05000058) costs 30 € and is paid before it is sent,
at the local test provider (the XBezahldienste simulator that ``amtsweg demo`` starts beside the portal).

Idempotent: the provider is brought up to date (its address follows ``AMTSWEG_DEMO_PAYMENT_URL``), the fee
is set once. Without the FIM form (no reference data) there is nothing to charge for.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from amtsweg.core.actors import Actor
from amtsweg.forms.models import FormVersion
from amtsweg.payments.models import FormFee, PaymentProvider
from amtsweg.payments.services import fee_save, provider_save

LEIKA_BEWOHNERPARKEN = "99108001001000"
PROVIDER_NAME = "Testbezahldienst (Simulator)"


def payments_load() -> dict[str, int]:
    actor = Actor.system("load-demo")
    version = (
        FormVersion.objects.filter(
            form__service__leika_key=LEIKA_BEWOHNERPARKEN, status=FormVersion.Status.PUBLISHED
        )
        .select_related("form")
        .order_by("-published_at")
        .first()
    )
    if version is None:
        return {"payment_fees": 0}
    owner = version.form.owner
    provider = PaymentProvider.objects.filter(authority=owner, name=PROVIDER_NAME).first() or PaymentProvider(
        authority=owner, name=PROVIDER_NAME
    )
    wanted = {
        "kind": "xbezahldienste",
        "base_url": settings.AMTSWEG_DEMO_PAYMENT_URL,
        "originator_id": "AMTSWEG-DEMO",
        "endpoint_id": owner.ags or "KREIS",
        "is_test": True,
        "is_active": True,
    }
    # A second run changes nothing and writes no audit entry unless the provider differs.
    if provider.pk is None or any(getattr(provider, key) != value for key, value in wanted.items()):
        for key, value in wanted.items():
            setattr(provider, key, value)
        provider_save(actor=actor, provider=provider, source="amtsweg load-demo")
    if not FormFee.objects.filter(form_version=version).exists():
        fee_save(
            actor=actor,
            fee=FormFee(
                form_version=version,
                amount=Decimal("30.00"),
                purpose="Bewohnerparkausweis",
                description="Bewohnerparkausweis für ein Jahr",
                timing=FormFee.Timing.BEFORE,
            ),
            source="amtsweg load-demo",
        )
    return {"payment_fees": 1}
