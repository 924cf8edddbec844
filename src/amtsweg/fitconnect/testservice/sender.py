"""A test sender: plays an EfA online service that delivers a submission through FIT-Connect.

Used by ``amtsweg fitconnect-send-test`` (the demo), the tests (also to misbehave on purpose: wrong key,
wrong hash, invalid metadata) and the benchmark. It speaks the Submission API through the same adapter as
Amtsweg (:class:`~amtsweg.fitconnect.client.SubmissionApiV1`).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.client import OAuthClient, SubmissionApiV1, event_name

METADATA_SCHEMA = "https://schema.fitko.de/fit-connect/metadata/2.1.0/metadata.schema.json"


@dataclass
class SampleAttachment:
    content: bytes
    filename: str = "nachweis.pdf"
    mime_type: str = "application/pdf"
    attachment_id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class Sent:
    submission_id: str
    case_id: str


def sender_api(base_url: str, token_url: str, client_id: str, secret: str) -> SubmissionApiV1:
    return SubmissionApiV1(base_url, OAuthClient(token_url, client_id, secret))


def metadata_for(
    *,
    data: bytes,
    schema_uri: str,
    attachments: list[SampleAttachment],
    reply_email: str = "",
    reference: str = "",
) -> dict[str, Any]:
    metadata: dict[str, Any] = {
        "$schema": METADATA_SCHEMA,
        "contentStructure": {
            "data": {
                "hash": {"type": "sha512", "content": crypto.sha512_hex(data)},
                "submissionSchema": {"schemaUri": schema_uri, "mimeType": "application/json"},
            },
            "attachments": [
                {
                    "hash": {"type": "sha512", "content": crypto.sha512_hex(a.content)},
                    "purpose": "attachment",
                    "mimeType": a.mime_type,
                    "filename": a.filename,
                    "attachmentId": a.attachment_id,
                }
                for a in attachments
            ],
        },
        "additionalReferenceInfo": {"senderReference": reference or f"TEST-{uuid.uuid4().hex[:8].upper()}"},
    }
    if reply_email:
        metadata["replyChannel"] = {"eMail": {"address": reply_email}}
    return metadata


def send(
    api: SubmissionApiV1,
    *,
    destination_id: str,
    leika_key: str,
    service_name: str,
    schema_uri: str,
    data: Any,
    attachments: list[SampleAttachment] | None = None,
    reply_email: str = "",
    encryption_key: dict[str, Any] | None = None,
    change_metadata: Callable[[dict[str, Any]], None] | None = None,
    data_bytes: bytes | None = None,
) -> Sent:
    """Create, upload and submit one submission; returns its FIT-Connect ids.

    ``encryption_key`` replaces the destination's published key (to test a wrong key),
    ``change_metadata`` may alter the metadata after they were built (wrong hash, wrong schema),
    ``data_bytes`` sends these bytes as the data instead of ``data`` as JSON."""
    attachments = attachments or []
    destination = api.destination(destination_id)
    key = encryption_key or api.destination_key(destination_id, destination["encryptionKid"])
    raw = data_bytes if data_bytes is not None else json.dumps(data, ensure_ascii=False).encode()
    metadata = metadata_for(data=raw, schema_uri=schema_uri, attachments=attachments, reply_email=reply_email)
    if change_metadata is not None:
        change_metadata(metadata)
    created = api.submission_create(
        {
            "destinationId": destination_id,
            "announcedAttachments": [a.attachment_id for a in attachments],
            "serviceType": {"name": service_name, "identifier": f"urn:de:fim:leika:leistung:{leika_key}"},
        }
    )
    submission_id = str(created["submissionId"])
    for attachment in attachments:
        api.attachment_upload(
            submission_id, attachment.attachment_id, crypto.encrypt(attachment.content, key)
        )
    api.submission_submit(
        submission_id,
        {
            "encryptedMetadata": crypto.encrypt(
                json.dumps(metadata).encode(), key, content_type="application/json"
            ),
            "encryptedData": crypto.encrypt(raw, key, content_type="application/json"),
        },
    )
    return Sent(submission_id=submission_id, case_id=str(created["caseId"]))


def outcome(api: SubmissionApiV1, sent: Sent, destination_id: str) -> dict[str, Any] | None:
    """The destination's answer in the event log (signature checked): ``{"event", "payload"}`` or ``None``."""
    service_keys = {k["kid"]: k for k in api.jwks()["keys"]}
    for token in api.events(sent.case_id):
        header, _claims = crypto.set_claims_unverified(token)
        kid = str(header.get("kid", ""))
        key = service_keys.get(kid) or api.destination_key(destination_id, kid)
        claims = crypto.set_verify(token, key)
        for uri, payload in claims.get("events", {}).items():
            name = event_name(uri)
            if (
                name in ("accept-submission", "reject-submission")
                and claims.get("sub") == f"submission:{sent.submission_id}"
            ):
                return {"event": name, "payload": payload}
    return None


def wait_for_outcome(
    api: SubmissionApiV1, sent: Sent, destination_id: str, *, seconds: float
) -> dict[str, Any] | None:
    deadline = time.monotonic() + seconds
    while True:
        found = outcome(api, sent, destination_id)
        if found is not None or time.monotonic() > deadline:
            return found
        time.sleep(0.5)
