"""FIT-Connect, sending side: deliver a submission to an authority outside Amtsweg.

A :class:`~amtsweg.fitconnect.models.Forwarding` says that a service (optionally only for one
municipality) is handled elsewhere. The intake hook :func:`on_submission_received` then records an
:class:`OutboundSubmission` in the intake transaction and queues :func:`outbound_progress`, which

1. finds the destination with the Routing API (LeiKa key + ARS), verifies the ``destinationSignature``
   of the route (the self-service portal's JWS over destination id, submission host, services and
   regions; keys from the sender's ``routing_jwks_url``) and reads the destination's encryption key from
   the Submission API the signature names,
2. builds the metadata (FIT-Connect metadata 2.x, validated against the shipped schema), encrypts
   metadata, data and attachments to the destination's key (JWE RSA-OAEP-256/A256GCM), creates the
   submission, uploads the attachments and submits it,
3. follows the event log (SETs checked: the delivery service's events with its JWKS, the destination's
   accept/reject with the destination's signing key) until the destination accepts or rejects.

Network errors count an attempt and propagate, so the task is retried with backoff; while waiting for
the answer the task queues itself again with a growing pause. Each step checks what is done already, so a
repeated run neither creates a second submission at FIT-Connect after it was submitted nor loses one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from amtsweg.core import configcache
from amtsweg.core.actors import Actor
from amtsweg.core.audit import audit_record
from amtsweg.fitconnect import checks, crypto
from amtsweg.fitconnect.client import (
    OAuthClient,
    PartnerError,
    PartnerRefused,
    RoutingApi,
    SubmissionApiV1,
    event_name,
    trusted_keys,
)
from amtsweg.fitconnect.models import Forwarding, OutboundSubmission, SenderClient
from amtsweg.submissions.models import Submission

logger = logging.getLogger("amtsweg.fitconnect")

FORWARDING_AREA = "fitconnect.forwarding"
METADATA_SCHEMA = "https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json"
GIVE_UP_AFTER = dt.timedelta(days=15)  # FIT-Connect deletes unclaimed submissions after 14 days


def sender_api(sender: SenderClient) -> SubmissionApiV1:
    secret = crypto.unseal(sender.client_secret_sealed) if sender.client_secret_sealed else ""
    return SubmissionApiV1(sender.submission_api_url, OAuthClient(sender.token_url, sender.client_id, secret))


def forwarding_for(submission: Submission) -> Forwarding | None:
    """The active forwarding for the submission's service and municipality, else for the service.

    Cached per process until a forwarding or sender changes (:mod:`amtsweg.core.configcache`).
    """
    service_id, municipality_id = submission.service_id, submission.municipality_id
    if service_id is None:
        return None
    return configcache.cached(
        FORWARDING_AREA, (service_id, municipality_id), lambda: _forwarding_for(service_id, municipality_id)
    )


def _forwarding_for(service_id: int, municipality_id: int | None) -> Forwarding | None:
    rules = Forwarding.objects.filter(service_id=service_id, active=True).select_related("sender")
    specific = rules.filter(municipality_id=municipality_id).first() if municipality_id else None
    return specific or rules.filter(municipality__isnull=True).first()


def on_submission_received(submission: Submission, actor: Actor) -> None:
    """Intake hook: a submission for a service handled outside Amtsweg gets its delivery queued."""
    from amtsweg.fitconnect.tasks import outbound_send_task

    if submission.channel == Submission.Channel.FITCONNECT:
        return  # never send back what FIT-Connect delivered
    forwarding = forwarding_for(submission)
    if forwarding is None:
        return
    outbound = OutboundSubmission.objects.create(submission=submission, forwarding=forwarding)
    outbound_send_task.enqueue(str(outbound.pk))


# ---- building blocks ------------------------------------------------------------------------------


def _ars(outbound: OutboundSubmission) -> str:
    if outbound.forwarding.ars:
        return outbound.forwarding.ars
    municipality = outbound.submission.municipality
    return municipality.ags if municipality is not None else ""


def _route(outbound: OutboundSubmission, sender: SenderClient) -> None:
    service = outbound.submission.service
    leika = service.leika_key if service is not None else ""
    ars = _ars(outbound)
    if not leika or not ars:
        raise _GiveUp("Für das Routing fehlen LeiKa-Schlüssel oder Regionalschlüssel.")
    routes = RoutingApi(sender.routing_api_url, session=None).routes(leika, ars)
    if not routes:
        raise _GiveUp(f"Die Routing API kennt keinen Zustellpunkt für LeiKa {leika} in {ars}.")
    route = routes[0]
    if not sender.routing_jwks_url:
        raise _GiveUp(
            "Für den Sender ist keine Adresse der Signaturschlüssel (JWKS) eingetragen; ohne sie prüft "
            "Amtsweg die Signatur des Zustellpunkts nicht und liefert nicht aus."
        )
    try:
        crypto.destination_signature_verify(
            str(route.get("destinationSignature") or ""),
            trusted_keys(sender.routing_jwks_url),
            destination_id=str(route.get("destinationId", "")),
            submission_host=urlsplit(sender.submission_api_url).netloc,
            leika_key=leika,
            ars=ars,
        )
    except crypto.CryptoError as error:
        raise _GiveUp(f"Zustellpunkt abgelehnt: {error}") from error
    outbound.destination_id = uuid.UUID(str(route["destinationId"]))
    outbound.destination_name = str(route.get("destinationName", ""))[:300]


def _metadata(
    outbound: OutboundSubmission, data: bytes, files: list[tuple[str, bytes, Any]]
) -> dict[str, Any]:
    submission = outbound.submission
    metadata: dict[str, Any] = {
        "$schema": METADATA_SCHEMA,
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": crypto.sha512_hex(data)},
                "submissionSchema": {
                    "schemaUri": checks.schema_uri_for(submission.form_version),
                    "mimeType": "application/json",
                },
            },
            "attachments": [
                {
                    "hash": {"type": "sha512", "content": crypto.sha512_hex(content)},
                    "purpose": "attachment",
                    "mimeType": attachment.content_type,
                    "filename": attachment.original_name,
                    "attachmentId": attachment_id,
                }
                for attachment_id, content, attachment in files
            ],
        },
        "additionalReferenceInfo": {
            "senderReference": submission.reference,
            "applicationDate": timezone.localdate(submission.submitted_at).isoformat(),
        },
    }
    if submission.applicant_email:
        metadata["replyChannel"] = {"eMail": {"address": submission.applicant_email}}
    errors = list(checks._metadata_validator("2.1.0").iter_errors(metadata))
    if errors:
        raise _GiveUp(f"Die erzeugten Metadaten sind ungültig: {errors[0].message}")
    return metadata


class _GiveUp(Exception):
    """A problem that no retry solves (no route, invalid metadata)."""


def _deliver(outbound: OutboundSubmission, api: SubmissionApiV1) -> None:
    submission = outbound.submission
    destination = api.destination(str(outbound.destination_id))
    public_key = api.destination_key(str(outbound.destination_id), str(destination["encryptionKid"]))
    if public_key.get("alg") != crypto.ENCRYPTION_ALG or "wrapKey" not in public_key.get("key_ops", []):
        raise _GiveUp("Der Schlüssel des Zustellpunkts ist kein RSA-OAEP-256-Verschlüsselungsschlüssel.")
    if not any(str(v).startswith("2.") for v in destination.get("metadataVersions", [])):
        raise _GiveUp("Der Zustellpunkt nimmt keine Metadaten der Version 2 an.")
    attachments = list(submission.attachments.all())
    if not outbound.attachment_ids:
        outbound.attachment_ids = {str(a.pk): str(uuid.uuid4()) for a in attachments}
    files = []
    for attachment in attachments:
        with attachment.file.open("rb") as handle:
            files.append((outbound.attachment_ids[str(attachment.pk)], handle.read(), attachment))
    data = json.dumps(submission.data, ensure_ascii=False, sort_keys=True).encode()
    metadata = _metadata(outbound, data, files)
    if outbound.fit_submission_id is None:
        service = submission.service
        created = api.submission_create(
            {
                "destinationId": str(outbound.destination_id),
                "announcedAttachments": [attachment_id for attachment_id, _c, _a in files],
                "serviceType": {
                    "name": (service.name if service else submission.form_version.form.title)[:255],
                    "identifier": checks.LEIKA_URN + (service.leika_key if service else ""),
                },
            }
        )
        outbound.fit_submission_id = uuid.UUID(str(created["submissionId"]))
        outbound.fit_case_id = uuid.UUID(str(created["caseId"]))
        OutboundSubmission.objects.filter(pk=outbound.pk).update(
            fit_submission_id=outbound.fit_submission_id,
            fit_case_id=outbound.fit_case_id,
            destination_id=outbound.destination_id,
            destination_name=outbound.destination_name,
            attachment_ids=outbound.attachment_ids,
        )
    for attachment_id, content, _attachment in files:
        api.attachment_upload(
            str(outbound.fit_submission_id), attachment_id, crypto.encrypt(content, public_key)
        )
    try:
        api.submission_submit(
            str(outbound.fit_submission_id),
            {
                "encryptedMetadata": crypto.encrypt(
                    json.dumps(metadata).encode(), public_key, content_type="application/json"
                ),
                "encryptedData": crypto.encrypt(data, public_key, content_type="application/json"),
            },
        )
    except PartnerRefused:
        # Submitted already by an earlier run whose answer got lost? Then the event log says so.
        if "submit-submission" not in {e["event"] for e in _events(outbound, api)}:
            raise


def _events(outbound: OutboundSubmission, api: SubmissionApiV1) -> list[dict[str, Any]]:
    """The event log of the case, every SET's signature checked."""
    service_keys = {k["kid"]: k for k in api.jwks().get("keys", [])}
    decoded = []
    for token in api.events(str(outbound.fit_case_id)):
        header, claims = crypto.set_claims_unverified(token)
        kid = str(header.get("kid", ""))
        key = service_keys.get(kid) or api.destination_key(str(outbound.destination_id), kid)
        claims = crypto.set_verify(token, key)
        if claims.get("sub") != f"submission:{outbound.fit_submission_id}":
            continue
        for uri, payload in (claims.get("events") or {}).items():
            decoded.append(
                {"event": event_name(uri), "at": int(claims.get("iat", 0)), "payload": payload, "kid": kid}
            )
    return decoded


# ---- the task -------------------------------------------------------------------------------------


def outbound_progress(outbound_id: str) -> OutboundSubmission:
    """Take the delivery one step further (see the module docstring)."""
    from amtsweg.fitconnect.tasks import outbound_send_task

    outbound = OutboundSubmission.objects.select_related(
        "submission__service",
        "submission__municipality",
        "submission__form_version__form",
        "forwarding__sender",
    ).get(pk=outbound_id)
    if outbound.status in (
        OutboundSubmission.Status.ACCEPTED,
        OutboundSubmission.Status.REJECTED,
        OutboundSubmission.Status.FAILED,
    ):
        return outbound
    sender = outbound.forwarding.sender
    api = sender_api(sender)
    try:
        if outbound.status == OutboundSubmission.Status.PENDING:
            if outbound.destination_id is None:
                _route(outbound, sender)
            _deliver(outbound, api)
            _save(outbound, status=OutboundSubmission.Status.SUBMITTED, action="fitconnect.sent")
        events = _events(outbound, api)
    except _GiveUp as problem:
        _save(
            outbound,
            status=OutboundSubmission.Status.FAILED,
            error=str(problem),
            action="fitconnect.send_failed",
        )
        return outbound
    except (PartnerError, crypto.CryptoError) as error:
        OutboundSubmission.objects.filter(pk=outbound.pk).update(
            attempts=F("attempts") + 1, last_error=str(error)[:2000], updated_at=timezone.now()
        )
        raise
    outbound.events = events
    names = {e["event"] for e in events}
    if "accept-submission" in names:
        _save(outbound, status=OutboundSubmission.Status.ACCEPTED, action="fitconnect.accepted_by_partner")
    elif "reject-submission" in names:
        outbound.problems = next(e["payload"] for e in events if e["event"] == "reject-submission").get(
            "problems", []
        )
        _save(outbound, status=OutboundSubmission.Status.REJECTED, action="fitconnect.rejected_by_partner")
    elif timezone.now() - outbound.created_at > GIVE_UP_AFTER:
        _save(
            outbound,
            status=OutboundSubmission.Status.FAILED,
            error="Keine Antwort des Empfängers nach 15 Tagen.",
            action="fitconnect.send_failed",
        )
    else:
        OutboundSubmission.objects.filter(pk=outbound.pk).update(
            events=events, last_error="", updated_at=timezone.now()
        )
        waited = (timezone.now() - outbound.created_at).total_seconds()
        pause = 60 if waited < 600 else 300 if waited < 3600 else 1800
        outbound_send_task.using(run_after=timezone.now() + dt.timedelta(seconds=pause)).enqueue(
            str(outbound.pk)
        )
    return outbound


def _save(outbound: OutboundSubmission, *, status: str, action: str, error: str = "") -> None:
    with transaction.atomic():
        outbound.status = status
        outbound.last_error = error
        outbound.save()
        authority = outbound.submission.authority_id or outbound.forwarding.sender.authority_id
        audit_record(
            actor=Actor.system("fitconnect"),
            action=action,
            obj=outbound.submission,
            changes={
                "status": status,
                "destination": str(outbound.destination_id or ""),
                "fit_submission_id": str(outbound.fit_submission_id or ""),
                "error": error,
            },
            authority_id=authority,
            source="fitconnect",
        )
