"""Sending through FIT-Connect: a service handled by an authority outside Amtsweg is delivered there –
destination from the Routing API, encrypted to its key, followed until it accepts or rejects."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest
import requests

from amtsweg.cases.hooks import channel_details
from amtsweg.cases.models import Case
from amtsweg.fitconnect import checks, crypto
from amtsweg.fitconnect.client import OAuthClient, PartnerUnavailable, SubmissionApiV1
from amtsweg.fitconnect.models import Forwarding, OutboundSubmission, SenderClient
from amtsweg.fitconnect.sending import outbound_progress
from amtsweg.fitconnect.tests.conftest import SENDER_ID, SENDER_SECRET
from amtsweg.fitconnect.testservice import examples
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.services import submission_create
from amtsweg.tenants.models import Authority

pytestmark = pytest.mark.django_db


class ForeignAuthority:
    """Another Land's authority with its own destination at the test service (the test plays it)."""

    def __init__(self, base_url: str, keys: dict[str, crypto.KeyPair], leika: str, region: str) -> None:
        self.base_url = base_url
        self.keys = keys
        self.destination_id = str(uuid.uuid4())
        self.client_id = f"fremd-{uuid.uuid4().hex[:8]}"
        setup = {
            "clients": [
                {"clientId": self.client_id, "secret": "fremd", "destinations": [self.destination_id]},
                {"clientId": SENDER_ID, "secret": SENDER_SECRET, "sender": True},
            ],
            "destinations": [
                {
                    "destinationId": self.destination_id,
                    "name": "Steueramt einer anderen Stadt",
                    "contactInformation": {
                        "legalName": "Stadt anderswo",
                        "address": "Rathausplatz 1",
                        "phone": "+49 1",
                        "email": "steueramt@example.org",
                    },
                    "services": [
                        {
                            "identifier": checks.LEIKA_URN + leika,
                            "regions": [region],
                            "submissionSchemas": [{"schemaUri": "urn:x:y", "mimeType": "application/json"}],
                        }
                    ],
                    "encryptionKid": keys["encryption"].kid,
                    "encryptionPublicKey": keys["encryption"].public,
                    "signingPublicKey": keys["signing"].public,
                    "metadataVersions": ["2.1.0"],
                }
            ],
        }
        requests.post(base_url + "/_test/setup", json=setup, timeout=10).raise_for_status()
        self.api = SubmissionApiV1(base_url, OAuthClient(base_url + "/token", self.client_id, "fremd"))

    def answer(self, *, accept: bool) -> dict[str, Any]:
        """Fetch the one waiting submission, decrypt it and accept or reject it with a signed event."""
        (ready,) = self.api.submissions_for_pickup(self.destination_id)
        envelope = self.api.submission(ready["submissionId"])
        metadata = json.loads(
            crypto.decrypt(envelope["encryptedMetadata"], self.keys["encryption"].private_json)
        )
        data = json.loads(crypto.decrypt(envelope["encryptedData"], self.keys["encryption"].private_json))
        problem = {"type": "x", "title": "Nicht zuständig", "detail": "Falsche Stadt."}
        event = {"accept-submission": {}} if accept else {"reject-submission": {"problems": [problem]}}
        claims = {
            "$schema": "https://schema.fitko.de/fit-connect/events/1.0.0/set-payload.schema.json",
            "iss": self.destination_id,
            "iat": int(time.time()),
            "jti": str(uuid.uuid4()),
            "sub": f"submission:{ready['submissionId']}",
            "txn": f"case:{ready['caseId']}",
            "events": {f"https://schema.fitko.de/fit-connect/events/{k}": v for k, v in event.items()},
        }
        self.api.event_send(
            ready["caseId"],
            crypto.set_sign(claims, self.keys["signing"].private_json, self.keys["signing"].kid),
        )
        return {"metadata": metadata, "data": data}


def _region() -> str:
    """A region of its own per test: the routes of earlier tests stay in the test service."""
    return "DE0" + str(uuid.uuid4().int)[:4]


def _forwarded_submission(fitconnect_service: str, region: str) -> Any:
    version = (
        FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM, status=FormVersion.Status.PUBLISHED)
        .select_related("form__service")
        .order_by("-published_at")
        .get()
    )
    kreis = Authority.objects.get(slug="kreis-coesfeld")
    sender = SenderClient.objects.create(
        authority=kreis,
        name="Amtsweg als Onlinedienst",
        submission_api_url=fitconnect_service,
        routing_api_url=fitconnect_service + "/routing/v1",
        routing_jwks_url=fitconnect_service + "/portal/.well-known/jwks.json",
        token_url=fitconnect_service + "/token",
        client_id=SENDER_ID,
        client_secret_sealed=crypto.seal(SENDER_SECRET),
    )
    Forwarding.objects.create(service=version.form.service, sender=sender, ars=region[2:] + "0000000")
    submission, _new = submission_create(
        form_version=version,
        data=examples.hundesteuer(),
        applicant=None,
        municipality=Authority.objects.filter(name__endswith="Dülmen").first(),
        idempotency_key=f"test:{uuid.uuid4()}",
    )
    return submission


def test_a_forwarded_submission_is_routed_encrypted_delivered_and_accepted(
    demo_db: dict[str, int], fitconnect_service: str, key_pairs: dict[str, crypto.KeyPair]
) -> None:
    leika = FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM).first().form.service.leika_key
    region = _region()
    foreign = ForeignAuthority(fitconnect_service, key_pairs, leika, region)
    submission = _forwarded_submission(fitconnect_service, region)
    outbound = OutboundSubmission.objects.get(submission=submission)  # queued in the intake transaction

    outbound = outbound_progress(str(outbound.pk))
    assert outbound.status == OutboundSubmission.Status.SUBMITTED
    assert str(outbound.destination_id) == foreign.destination_id
    received = foreign.answer(accept=True)
    assert received["data"]["halter"]["nachname"] == "Mustermann"
    assert received["metadata"]["additionalReferenceInfo"]["senderReference"] == submission.reference

    outbound = outbound_progress(str(outbound.pk))
    assert outbound.status == OutboundSubmission.Status.ACCEPTED
    lines = channel_details(Case.objects.get(submission=submission))[0].lines
    assert "vom Empfänger angenommen" in lines[0]


def test_a_rejection_and_a_partner_outage_are_visible(
    demo_db: dict[str, int], fitconnect_service: str, key_pairs: dict[str, crypto.KeyPair]
) -> None:
    leika = FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM).first().form.service.leika_key
    region = _region()
    foreign = ForeignAuthority(fitconnect_service, key_pairs, leika, region)
    submission = _forwarded_submission(fitconnect_service, region)
    outbound = OutboundSubmission.objects.get(submission=submission)
    requests.post(fitconnect_service + "/_test/down", json={"down": True}, timeout=10)
    try:
        with pytest.raises(PartnerUnavailable):
            outbound_progress(str(outbound.pk))  # the task is retried with backoff
    finally:
        requests.post(fitconnect_service + "/_test/down", json={"down": False}, timeout=10)
    outbound.refresh_from_db()
    assert outbound.attempts == 1
    assert outbound.status == OutboundSubmission.Status.PENDING
    assert "503" in outbound.last_error

    outbound_progress(str(outbound.pk))
    foreign.answer(accept=False)
    outbound = outbound_progress(str(outbound.pk))
    assert outbound.status == OutboundSubmission.Status.REJECTED
    lines = channel_details(Case.objects.get(submission=submission))[0].lines
    assert any("Falsche Stadt." in line for line in lines)
    assert OutboundSubmission.objects.filter(submission=submission).count() == 1


def test_no_route_gives_up_with_a_reason(demo_db: dict[str, int], fitconnect_service: str) -> None:
    # Nobody serves region 09999 at the test service.
    submission = _forwarded_submission(fitconnect_service, "DE09999")
    outbound = outbound_progress(str(OutboundSubmission.objects.get(submission=submission).pk))
    assert outbound.status == OutboundSubmission.Status.FAILED
    assert "kennt keinen Zustellpunkt" in outbound.last_error


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("tampered", "Signatur des Zustellpunkts ist ungültig"),
        ("foreign-key", "Schlüssel, dem Amtsweg nicht vertraut"),
        ("other-destination", "anderen Zustellpunkt"),
        ("other-host", "anderen Zustelldienst"),
    ],
)
def test_a_route_without_a_valid_signature_is_refused_and_nothing_is_sent(
    demo_db: dict[str, int],
    fitconnect_service: str,
    key_pairs: dict[str, crypto.KeyPair],
    mode: str,
    reason: str,
) -> None:
    leika = FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM).first().form.service.leika_key
    region = _region()
    foreign = ForeignAuthority(fitconnect_service, key_pairs, leika, region)
    requests.post(
        fitconnect_service + "/_test/routing-signature",
        json={"destinationId": foreign.destination_id, "mode": mode},
        timeout=10,
    ).raise_for_status()
    submission = _forwarded_submission(fitconnect_service, region)

    outbound = outbound_progress(str(OutboundSubmission.objects.get(submission=submission).pk))

    assert outbound.status == OutboundSubmission.Status.FAILED
    assert reason in outbound.last_error
    assert outbound.fit_submission_id is None
    assert foreign.api.submissions_for_pickup(foreign.destination_id) == []
    lines = channel_details(Case.objects.get(submission=submission))[0].lines
    assert any("Zustellpunkt abgelehnt" in line for line in lines)


def test_a_sender_without_trusted_signature_keys_does_not_deliver(
    demo_db: dict[str, int], fitconnect_service: str, key_pairs: dict[str, crypto.KeyPair]
) -> None:
    leika = FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM).first().form.service.leika_key
    region = _region()
    foreign = ForeignAuthority(fitconnect_service, key_pairs, leika, region)
    submission = _forwarded_submission(fitconnect_service, region)
    SenderClient.objects.update(routing_jwks_url="")

    outbound = outbound_progress(str(OutboundSubmission.objects.get(submission=submission).pk))

    assert outbound.status == OutboundSubmission.Status.FAILED
    assert "keine Adresse der Signaturschlüssel" in outbound.last_error
    assert foreign.api.submissions_for_pickup(foreign.destination_id) == []


def _signature(key: crypto.KeyPair, claims: dict[str, Any]) -> str:
    return crypto.set_sign(claims, key.private_json, key.kid)


def test_the_destination_signature_check_names_what_is_wrong(key_pairs: dict[str, crypto.KeyPair]) -> None:
    portal = key_pairs["signing"]
    destination = str(uuid.uuid4())
    claims = {
        "submissionHost": "submission-api-testing.fit-connect.fitko.dev",
        "iss": "https://portal.auth-testing.fit-connect.fitko.dev",
        "services": [
            {
                "gebietIDs": [crypto.RS_URN + "055580"],
                "leistungIDs": [crypto.LEIKA_URN + "99108008000000"],
            }
        ],
        "destinationId": destination,
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
    }
    trusted = {portal.kid: portal.public}
    check = {
        "destination_id": destination,
        "submission_host": "submission-api-testing.fit-connect.fitko.dev",
        "leika_key": "99108008000000",
        "ars": "055580012012",  # Dülmen lies in the Kreis's region 055580
    }
    assert crypto.destination_signature_verify(_signature(portal, claims), trusted, **check)["jti"]

    with pytest.raises(crypto.CryptoError, match="ohne Signatur"):
        crypto.destination_signature_verify("", trusted, **check)
    with pytest.raises(crypto.CryptoError, match="kein lesbares JWS"):
        crypto.destination_signature_verify("kein.jws", trusted, **check)
    with pytest.raises(crypto.CryptoError, match="nicht zuständig"):
        crypto.destination_signature_verify(
            _signature(portal, claims), trusted, **{**check, "leika_key": "99000000000000"}
        )
    with pytest.raises(crypto.CryptoError, match="nicht zuständig"):
        crypto.destination_signature_verify(
            _signature(portal, claims), trusted, **{**check, "ars": "051110000000"}
        )
    with pytest.raises(crypto.CryptoError, match="nicht vertraut"):
        crypto.destination_signature_verify(_signature(portal, claims), {}, **check)
