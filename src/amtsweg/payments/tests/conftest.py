from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from amtsweg.cases.tests.conftest import CaseWorld, _fast_passwords, cw  # noqa: F401 - shared fixtures
from amtsweg.core.actors import Actor
from amtsweg.payments import services
from amtsweg.payments.models import FormFee, PaymentProvider
from amtsweg.payments.testing import simulator_running

SYSTEM = Actor.system("test")


@pytest.fixture(scope="module")
def simulator_url() -> Iterator[str]:
    with simulator_running(user="amtsweg", password="geheim-123") as url:
        yield url


@pytest.fixture
def provider(cw: CaseWorld, simulator_url: str) -> PaymentProvider:  # noqa: F811 - the fixture imported above
    provider = PaymentProvider(
        authority=cw.base.town,
        name="Testbezahldienst Dülmen",
        base_url=simulator_url,
        originator_id="AMTSWEG-HUNDESTEUER",
        endpoint_id="05558016",
        username="amtsweg",
        is_test=True,
    )
    return services.provider_save(actor=SYSTEM, provider=provider, password="geheim-123")


def fee_set(cw: CaseWorld, timing: str = FormFee.Timing.BEFORE) -> FormFee:  # noqa: F811 - the fixture imported above
    fee = FormFee(
        form_version=cw.base.version,
        amount=Decimal("10.00"),
        positions=[{"label": "je Hund", "amount": "5.00", "per": "hund"}],
        purpose="Hundesteuer Anmeldung",
        description="Anmeldung zur Hundesteuer",
        timing=timing,
    )
    return services.fee_save(actor=SYSTEM, fee=fee)
