"""What the local test service must know about Amtsweg's destinations (the self-service portal's part):
their clients, public keys, services, regions and callback – built from the database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.checks import LEIKA_URN, METADATA_VERSIONS, schema_uri_for
from amtsweg.fitconnect.models import Destination, DestinationKey
from amtsweg.fitconnect.services import active_key
from amtsweg.forms.models import FormVersion
from amtsweg.tenants.models import Authority


def region(authority: Authority) -> str:
    """``DE`` + the Amtlicher Regionalschlüssel as far as it names the authority's area."""
    ags = authority.ags or ""
    return "DE" + (ags[:5] if ags.endswith("000") else ags)


def destination_services(destination: Destination) -> list[dict[str, Any]]:
    """Every published form with a LeiKa service: what this destination takes (by LeiKa key)."""
    by_leika: dict[str, list[str]] = {}
    versions = FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED, form__service__isnull=False)
    for version in versions.select_related("form__service").order_by("form__key", "version"):
        leika = version.form.service.leika_key if version.form.service else ""
        if leika:
            uris = by_leika.setdefault(leika, [])
            uri = schema_uri_for(version)
            if uri not in uris:
                uris.append(uri)
    return [
        {
            "identifier": LEIKA_URN + leika,
            "regions": [region(destination.authority)],
            "submissionSchemas": [{"schemaUri": uri, "mimeType": "application/json"} for uri in uris],
        }
        for leika, uris in sorted(by_leika.items())
    ]


def local_service_setup(base_url: str, *, sender_id: str = "", sender_secret: str = "") -> dict[str, Any]:
    """The body of ``POST /_test/setup`` for every active destination whose Submission API is ``base_url``."""
    clients: list[dict[str, Any]] = []
    destinations: list[dict[str, Any]] = []
    for destination in Destination.objects.filter(active=True, destination_id__isnull=False).select_related(
        "authority"
    ):
        if destination.submission_api_url.rstrip("/") != base_url.rstrip("/"):
            continue
        encryption = active_key(destination, DestinationKey.Purpose.ENCRYPTION)
        signing = active_key(destination, DestinationKey.Purpose.SIGNING)
        services = destination_services(destination)
        if encryption is None or signing is None or not services:
            continue
        secret = crypto.unseal(destination.client_secret_sealed) if destination.client_secret_sealed else ""
        clients.append(
            {
                "clientId": destination.client_id,
                "secret": secret,
                "destinations": [str(destination.destination_id)],
            }
        )
        body: dict[str, Any] = {
            "destinationId": str(destination.destination_id),
            "name": f"{destination.authority.name} – {destination.name}",
            "contactInformation": {
                "legalName": destination.authority.name,
                "address": destination.authority.name,
                "phone": "+49 2541 180",
                "email": "fit-connect@example.org",
            },
            "services": services,
            "encryptionKid": encryption.kid,
            "encryptionPublicKey": encryption.public_jwk,
            "signingPublicKey": signing.public_jwk,
            "metadataVersions": METADATA_VERSIONS,
            "replyChannels": {"eMail": {"usePgp": False}},
        }
        callback = (
            crypto.unseal(destination.callback_secret_sealed) if destination.callback_secret_sealed else ""
        )
        if callback:
            url = settings.AMTSWEG_PUBLIC_URL.rstrip("/") + reverse(
                "fitconnect:callback", args=[str(destination.destination_id)]
            )
            # The API demands https; the local test service also calls http addresses.
            body["callback"] = {"url": url.replace("http://", "https://", 1), "secret": callback, "_url": url}
        destinations.append(body)
    if sender_id:
        clients.append({"clientId": sender_id, "secret": sender_secret, "sender": True})
    return {"clients": clients, "destinations": destinations}
