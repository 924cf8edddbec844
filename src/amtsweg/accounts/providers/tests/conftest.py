from __future__ import annotations

from typing import Any

import pytest
from django.urls import NoReverseMatch

from amtsweg.accounts.providers.base import provider_url


@pytest.fixture(autouse=True)
def provider_urls(settings: Any) -> None:
    """Project URLs, or the test URLconf while amtsweg/urls.py does not mount the login providers."""
    try:
        provider_url("trust_required")
    except NoReverseMatch:
        settings.ROOT_URLCONF = "amtsweg.accounts.providers.testing_urls"
