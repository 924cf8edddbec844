"""Fixtures of the payment tests: the case world, the local XBezahldienste simulator and its provider.

Cross-cutting (payments with cases, events and the case API), so they live in tests/ (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from amtsweg.cases.tests.conftest import CaseWorld, _fast_passwords, cw  # noqa: F401 - shared fixtures
from amtsweg.core.actors import Actor
from amtsweg.payments import services
from amtsweg.payments.models import PaymentProvider
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
