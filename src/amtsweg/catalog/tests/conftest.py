from __future__ import annotations

import pytest

from amtsweg.tenants.models import Authority


@pytest.fixture
def kreis(db: None) -> Authority:
    """A Kreis that owns the services a test creates."""
    return Authority.objects.create(
        name="Kreis Testland",
        short_name="Testland",
        slug="testland",
        kind=Authority.Kind.KREIS,
        ags="09999000",
    )
