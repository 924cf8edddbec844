"""The FIT-Connect tests talk to a real counterpart: the local test service in its own process.

``fitconnect_service`` starts ``python -m amtsweg.fitconnect.testservice`` once per test process on a
free port; every request Amtsweg sends it and every response it gives are validated against the shipped
OpenAPI documents there, and ``no_openapi_violations`` fails a test that caused one.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.fitconnect.testservice.setup import local_service_setup
from amtsweg.tenants.models import Authority

SENDER_ID = "test-onlinedienst"
SENDER_SECRET = "test-onlinedienst-secret"


@pytest.fixture(scope="session")
def fitconnect_service() -> Iterator[str]:
    """Base URL of the local FIT-Connect test service (a second process)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "amtsweg.fitconnect.testservice", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("FITCONNECT_TESTSERVICE "):
        process.kill()
        pytest.fail(f"Der FIT-Connect-Testdienst startete nicht: {line!r}")
    try:
        yield line.split(" ", 1)[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def key_pairs() -> dict[str, crypto.KeyPair]:
    """RSA-4096 pairs made once per test process (making one costs a second or more)."""
    return {
        "encryption": crypto.key_pair_generate("encryption"),
        "signing": crypto.key_pair_generate("signing"),
        "encryption_old": crypto.key_pair_generate("encryption"),
        "stranger": crypto.key_pair_generate("encryption"),
    }


@dataclass
class Partner:
    """The test service as the other side sees it: our destination there, and a sender client."""

    base_url: str
    destination: Destination

    @property
    def destination_id(self) -> str:
        return str(self.destination.destination_id)

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, self.base_url + path, timeout=10, **kwargs)
        response.raise_for_status()
        return response.json()

    def down(self, down: bool = True) -> None:
        self.control("POST", "/_test/down", json={"down": down})

    def violations(self) -> list[dict[str, Any]]:
        return list(self.control("GET", "/_test/violations")["violations"])


def _key(destination: Destination, pair: crypto.KeyPair, purpose: str, status: str) -> DestinationKey:
    return DestinationKey.objects.create(
        destination=destination,
        kid=pair.kid,
        purpose=purpose,
        status=status,
        public_jwk=pair.public,
        private_jwk_sealed=crypto.seal(pair.private_json),
    )


@pytest.fixture
def partner(
    demo_db: dict[str, int], fitconnect_service: str, key_pairs: dict[str, crypto.KeyPair]
) -> Iterator[Partner]:
    """A destination of the Kreis (keys, client, callback secret) registered at the test service."""
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    destination = Destination.objects.create(
        authority=kreis,
        name="EfA-Eingang (Test)",
        destination_id=uuid.uuid4(),
        submission_api_url=fitconnect_service,
        token_url=fitconnect_service + "/token",
        client_id=f"abruf-{uuid.uuid4().hex[:8]}",
        client_secret_sealed=crypto.seal("abruf-secret"),
        callback_secret_sealed=crypto.seal("c" * 40),
    )
    _key(destination, key_pairs["encryption_old"], "encryption", "retired")
    _key(destination, key_pairs["encryption"], "encryption", "active")
    _key(destination, key_pairs["signing"], "signing", "active")
    setup = local_service_setup(fitconnect_service, sender_id=SENDER_ID, sender_secret=SENDER_SECRET)
    # Only this test's destination (others from earlier tests are gone from the database anyway).
    setup["destinations"] = [
        d for d in setup["destinations"] if d["destinationId"] == str(destination.destination_id)
    ]
    for client in setup["clients"]:
        client.setdefault("secret", "")
    for client in setup["clients"]:
        if client["clientId"] == destination.client_id:
            client["secret"] = "abruf-secret"
    requests.post(fitconnect_service + "/_test/setup", json=setup, timeout=10).raise_for_status()
    partner = Partner(base_url=fitconnect_service, destination=destination)
    before = len(partner.violations())
    yield partner
    partner.down(False)
    new = partner.violations()[before:]
    assert new == [], f"Anfragen/Antworten entsprachen nicht der OpenAPI: {new}"


@pytest.fixture(autouse=True)
def _official_metadata_schemas(settings: Any) -> None:
    """FITKO's metadata schemas from the reference data when it is there (they are not shipped).

    Without ``../shared`` the tests run against Amtsweg's own core check, as a fresh installation does.
    """
    folder = Path(settings.AMTSWEG_SHARED_DATA) / "fitconnect"
    if (folder / "metadata.schema.v2.1.0.json").is_file():
        settings.AMTSWEG_FITCONNECT_SCHEMA_DIR = str(folder)
