"""FIT-Connect's secrets are sealed like every stored secret (core.sealed, AMTSWEG_SECRETS_KEYS); the
migration re-encrypts what the former FIT-Connect-only key sealed, and key rotation keeps them readable."""

from __future__ import annotations

import base64
import importlib
import uuid
from typing import Any

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from amtsweg.core import sealed
from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db
OLD_SECRET = "der-fruehere-fitconnect-schluessel-mindestens-32-zeichen"


def _sealed_the_old_way(plain: str) -> str:
    """What Amtsweg stored before migration 0003 (HKDF of AMTSWEG_FITCONNECT_KEY_SECRET → Fernet)."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"amtsweg-fitconnect-keys", info=b"fernet").derive(
        OLD_SECRET.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key)).encrypt(plain.encode()).decode()


def test_the_migration_reencrypts_old_secrets_so_the_destination_keeps_working(
    demo_db: dict[str, int], settings: Any
) -> None:
    settings.AMTSWEG_FITCONNECT_KEY_SECRET = OLD_SECRET
    destination = Destination.objects.create(
        authority=Authority.objects.get(slug="kreis-coesfeld"),
        name="Alt",
        destination_id=uuid.uuid4(),
        submission_api_url="https://submission-api-testing.fit-connect.fitko.dev",
        token_url="https://auth-testing.fit-connect.fitko.dev/token",
        client_id="alt",
        client_secret_sealed=_sealed_the_old_way("altes-client-secret"),
        callback_secret_sealed=crypto.seal("c" * 40),  # sealed the new way already
    )
    key = DestinationKey.objects.create(
        destination=destination,
        kid="k1",
        purpose="encryption",
        status="retired",
        public_jwk={},
        private_jwk_sealed=_sealed_the_old_way('{"kty": "RSA"}'),
    )
    with pytest.raises(ImproperlyConfigured, match="AMTSWEG_SECRETS_KEYS"):
        crypto.unseal(destination.client_secret_sealed)

    migration = importlib.import_module("amtsweg.fitconnect.migrations.0003_secrets_in_core_sealed")
    migration.reseal(apps, None)

    destination.refresh_from_db()
    key.refresh_from_db()
    assert crypto.unseal(destination.client_secret_sealed) == "altes-client-secret"
    assert crypto.unseal(destination.callback_secret_sealed) == "c" * 40
    assert crypto.unseal(key.private_jwk_sealed) == '{"kty": "RSA"}'  # a retired key stays readable


def test_a_new_secrets_key_in_front_keeps_fitconnect_secrets_readable(settings: Any) -> None:
    settings.AMTSWEG_SECRETS_KEYS = ["alter-schluessel"]
    stored = crypto.seal("privater-schluessel")
    settings.AMTSWEG_SECRETS_KEYS = ["neuer-schluessel", "alter-schluessel"]
    assert crypto.unseal(stored) == "privater-schluessel"
    assert sealed.unseal(crypto.seal("x")) == "x"
    settings.AMTSWEG_SECRETS_KEYS = ["neuer-schluessel"]
    with pytest.raises(ImproperlyConfigured, match="lässt sich nicht entschlüsseln"):
        crypto.unseal(stored)
