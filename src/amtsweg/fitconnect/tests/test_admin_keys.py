"""Configuring a destination: secrets and private keys are stored only encrypted and never shown; key
rotation keeps old keys for decryption; only the authority's administration may change it."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


def _form(kreis: Authority, destination_id: str) -> dict[str, Any]:
    return {
        "authority": kreis.pk,
        "name": "EfA-Eingang",
        "destination_id": destination_id,
        "submission_api_url": "https://submission-api-testing.fit-connect.fitko.dev",
        "token_url": "https://auth-testing.fit-connect.fitko.dev/token",
        "client_id": "abruf-1",
        "api_version": "1",
        "client_secret": "streng-geheim-123",
        "callback_secret": "x" * 40,
        "active": "on",
        "keys-TOTAL_FORMS": "0",
        "keys-INITIAL_FORMS": "0",
    }


def test_the_admin_stores_secrets_sealed_and_keys_rotate(demo_db: dict[str, int]) -> None:
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    admin = login_verified(Client(), staff_create("fa-kreis", kreis, "fachadministration"))
    destination_id = str(uuid.uuid4())
    response = admin.post("/admin/fitconnect/destination/add/", _form(kreis, destination_id))
    assert response.status_code == 302, response.content.decode()[:2000]
    destination = Destination.objects.get(destination_id=destination_id)
    assert "streng-geheim" not in destination.client_secret_sealed
    assert crypto.unseal(destination.client_secret_sealed) == "streng-geheim-123"
    page = admin.get(f"/admin/fitconnect/destination/{destination.pk}/change/").content.decode()
    assert "streng-geheim" not in page

    out = io.StringIO()
    call_command("fitconnect-keys", str(destination.pk), stdout=out, stderr=io.StringIO())
    first = json.loads(out.getvalue())
    assert first["encryptionPublicKey"]["alg"] == "RSA-OAEP-256"
    assert "d" not in first["encryptionPublicKey"]  # public half only
    assert "d" not in first["signingPublicKey"]
    call_command("fitconnect-keys", destination_id, stdout=io.StringIO(), stderr=io.StringIO())
    keys = DestinationKey.objects.filter(destination=destination)
    assert keys.filter(status=DestinationKey.Status.ACTIVE).count() == 2
    old = keys.get(kid=first["encryptionKid"])
    assert old.status == DestinationKey.Status.RETIRED
    # The retired key still decrypts what was encrypted to it.
    token = crypto.encrypt(b"alter Antrag", first["encryptionPublicKey"])
    assert crypto.decrypt(token, crypto.unseal(old.private_jwk_sealed)) == b"alter Antrag"


def test_a_town_administration_cannot_see_or_change_the_kreis_destination(demo_db: dict[str, int]) -> None:
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    town = Authority.objects.exclude(pk=kreis.pk).first()
    destination = Destination.objects.get(authority=kreis)  # the demo's
    other = login_verified(Client(), staff_create("fa-stadt", town, "fachadministration"))
    assert other.get(f"/admin/fitconnect/destination/{destination.pk}/change/").status_code in (302, 403, 404)
    listing = other.get("/admin/fitconnect/destination/").content.decode()
    assert destination.name not in listing
