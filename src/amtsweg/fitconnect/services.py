"""FIT-Connect, receiving side: destinations and keys, fetching, checking, intake, accept/reject events.

The way of a submission (docs/fitconnect.md):

1. **Announced** – a callback (HMAC checked) or the poll finds it ready for pickup:
   :func:`inbound_announce` stores an :class:`InboundSubmission` (unique FIT-Connect submission id) and
   enqueues :func:`~amtsweg.fitconnect.tasks.inbound_receive_task` in the same transaction.
2. **Received** – :func:`inbound_receive` fetches it, decrypts metadata, data and attachments, checks them
   (:mod:`amtsweg.fitconnect.checks`, hashes, sizes, the form's validation) and then, in **one**
   transaction, either hands it to the same intake as a portal submission
   (:func:`amtsweg.submissions.services.submission_create`, idempotency key ``fitconnect:<submission id>``)
   or records the reasons to reject it – and enqueues the event task.
3. **Acknowledged** – only then :func:`inbound_event_send` signs the accept or reject event (SET, PS512)
   and posts it. Nothing is acknowledged to FIT-Connect before it is durable here.

Every step may run twice (two workers, a callback and a poll, a retried task): each checks its own result
first, and the database keeps one row per FIT-Connect submission.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import filetype
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.access.permissions import can_manage_routing
from amtsweg.catalog.selectors import municipalities_for_postcode
from amtsweg.core.actors import Actor
from amtsweg.core.audit import audit_record
from amtsweg.core.permissions import require
from amtsweg.fitconnect import checks, crypto
from amtsweg.fitconnect.checks import Problem, Rejected
from amtsweg.fitconnect.client import OAuthClient, PartnerRefused, SubmissionApiV1
from amtsweg.fitconnect.models import Destination, DestinationKey, Forwarding, InboundSubmission, SenderClient
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.models import Attachment, Submission
from amtsweg.submissions.services import IncomingFile, SubmissionInvalid, submission_create
from amtsweg.submissions.uploads import ALLOWED_KINDS, allowed_types_label, clean_file_name
from amtsweg.tenants.models import Authority

logger = logging.getLogger("amtsweg.fitconnect")
SOURCE = "fitconnect"
EVENTS = "https://schema.fitko.de/fit-connect/events/"
SET_SCHEMA = "https://schema.fitko.de/fit-connect/events/1.0.0/set-payload.schema.json"


def system() -> Actor:
    return Actor.system("fitconnect")


# ---- destinations and keys -----------------------------------------------------------------------


def destination_save(
    *,
    actor: Any,
    destination: Destination,
    client_secret: str = "",
    callback_secret: str = "",
    source: str = "",
) -> Destination:
    """Create or change a destination; new secrets are sealed, empty ones keep the stored ones."""
    require(
        can_manage_routing(actor, destination.authority), _("Sie dürfen diesen Zustellpunkt nicht ändern.")
    )
    with transaction.atomic():
        if client_secret:
            destination.client_secret_sealed = crypto.seal(client_secret)
        if callback_secret:
            destination.callback_secret_sealed = crypto.seal(callback_secret)
        destination.full_clean()
        created = destination.pk is None
        destination.save()
        audit_record(
            actor=actor,
            action="fitconnect.destination_created" if created else "fitconnect.destination_changed",
            obj=destination,
            changes={
                "destination_id": str(destination.destination_id or ""),
                "client_secret": "neu" if client_secret else "unverändert",
                "callback_secret": "neu" if callback_secret else "unverändert",
            },
            authority_id=destination.authority_id,
            source=source,
        )
    return destination


def sender_save(
    *, actor: Any, sender: SenderClient, client_secret: str = "", source: str = ""
) -> SenderClient:
    """Create or change the client Amtsweg sends with; a new secret is sealed, an empty one kept."""
    require(can_manage_routing(actor, sender.authority), _("Sie dürfen diesen Sender nicht ändern."))
    with transaction.atomic():
        if client_secret:
            sender.client_secret_sealed = crypto.seal(client_secret)
        sender.full_clean()
        created = sender.pk is None
        sender.save()
        audit_record(
            actor=actor,
            action="fitconnect.sender_created" if created else "fitconnect.sender_changed",
            obj=sender,
            changes={
                "client_id": sender.client_id,
                "client_secret": "neu" if client_secret else "unverändert",
            },
            authority_id=sender.authority_id,
            source=source,
        )
    return sender


def forwarding_save(*, actor: Any, forwarding: Forwarding, source: str = "") -> Forwarding:
    """Create or change a forwarding: submissions of its service go out over FIT-Connect."""
    owner = forwarding.service.owner if forwarding.service_id else None
    require(can_manage_routing(actor, owner), _("Sie dürfen diese Leistung nicht weiterleiten."))
    with transaction.atomic():
        forwarding.full_clean()
        created = forwarding.pk is None
        forwarding.save()
        audit_record(
            actor=actor,
            action="fitconnect.forwarding_created" if created else "fitconnect.forwarding_changed",
            obj=forwarding,
            changes={"service": forwarding.service_id, "ars": forwarding.ars, "active": forwarding.active},
            authority_id=owner.pk if owner else None,
            source=source,
        )
    return forwarding


def destination_keys_generate(
    *, actor: Any, destination: Destination, source: str = ""
) -> list[DestinationKey]:
    """A new encryption and signing key pair for ``destination``; the keys active so far are retired
    (they keep decrypting submissions encrypted to them). Returns the two new keys, whose public halves
    the operator registers at FIT-Connect."""
    require(
        can_manage_routing(actor, destination.authority), _("Sie dürfen diesen Zustellpunkt nicht ändern.")
    )
    pairs = [
        (
            purpose,
            crypto.key_pair_generate(
                purpose, common_name=f"{destination.authority.name} – {destination.name}"
            ),
        )
        for purpose in (DestinationKey.Purpose.ENCRYPTION, DestinationKey.Purpose.SIGNING)
    ]
    now = timezone.now()
    with transaction.atomic():
        retired = DestinationKey.objects.filter(
            destination=destination, status=DestinationKey.Status.ACTIVE
        ).update(status=DestinationKey.Status.RETIRED, retired_at=now)
        keys = [
            DestinationKey.objects.create(
                destination=destination,
                kid=pair.kid,
                purpose=purpose,
                public_jwk=pair.public,
                private_jwk_sealed=crypto.seal(pair.private_json),
            )
            for purpose, pair in pairs
        ]
        audit_record(
            actor=actor,
            action="fitconnect.keys_generated",
            obj=destination,
            changes={"kids": [k.kid for k in keys], "retired": retired},
            authority_id=destination.authority_id,
            source=source,
        )
    return keys


def active_key(destination: Destination, purpose: str) -> DestinationKey | None:
    return (
        DestinationKey.objects.filter(
            destination=destination, purpose=purpose, status=DestinationKey.Status.ACTIVE
        )
        .order_by("-created_at")
        .first()
    )


def api_for(destination: Destination) -> SubmissionApiV1:
    """The adapter for the destination's Submission API version (only 1.x so far, see client.py)."""
    secret = crypto.unseal(destination.client_secret_sealed) if destination.client_secret_sealed else ""
    oauth = OAuthClient(destination.token_url, destination.client_id, secret)
    return SubmissionApiV1(destination.submission_api_url, oauth)


def callback_secret(destination: Destination) -> str:
    return crypto.unseal(destination.callback_secret_sealed) if destination.callback_secret_sealed else ""


# ---- announce: callback and poll -----------------------------------------------------------------


def inbound_announce(
    *, destination: Destination, submission_id: str, case_id: str
) -> tuple[InboundSubmission, bool]:
    """Note a submission that FIT-Connect has ready for ``destination`` and queue its receipt (once)."""
    from amtsweg.fitconnect.tasks import inbound_receive_task

    existing = InboundSubmission.objects.filter(fit_submission_id=submission_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            inbound = InboundSubmission.objects.create(
                destination=destination, fit_submission_id=submission_id, fit_case_id=case_id
            )
            inbound_receive_task.enqueue(inbound.pk)
    except IntegrityError:  # a second announcement at the same moment
        existing = InboundSubmission.objects.filter(fit_submission_id=submission_id).first()
        if existing is None:
            raise
        return existing, False
    return inbound, True


def destination_poll(destination: Destination) -> list[InboundSubmission]:
    """Ask FIT-Connect which submissions wait for ``destination`` and announce the new ones (polling is
    the fallback when a callback got lost). Submissions still waiting although known are queued again
    when their receipt is not under way any more (e.g. it failed for good while the partner was down)."""
    from amtsweg.fitconnect.tasks import inbound_event_task, inbound_receive_task

    api = api_for(destination)
    found = api.submissions_for_pickup(str(destination.destination_id))
    new: list[InboundSubmission] = []
    for item in found:
        if str(item.get("destinationId")) != str(destination.destination_id):
            continue
        inbound, created = inbound_announce(
            destination=destination, submission_id=str(item["submissionId"]), case_id=str(item["caseId"])
        )
        if created:
            new.append(inbound)
        elif inbound.status == InboundSubmission.Status.NEW and _stale(inbound):
            inbound_receive_task.enqueue(inbound.pk)
        elif (
            inbound.status != InboundSubmission.Status.NEW
            and inbound.event_status == InboundSubmission.Event.PENDING
            and _stale(inbound)
        ):
            inbound_event_task.enqueue(inbound.pk)
    Destination.objects.filter(pk=destination.pk).update(last_polled_at=timezone.now())
    return new


def _stale(inbound: InboundSubmission) -> bool:
    """Not touched for a while: its task has most likely failed for good (the worker retries for ~45 min)."""
    return (timezone.now() - inbound.updated_at).total_seconds() > 3600


# ---- receive: fetch, decrypt, check, intake ------------------------------------------------------


@dataclass
class _Received:
    metadata: dict[str, Any] = field(default_factory=dict)
    form_version: FormVersion | None = None
    data: Any = None
    files: list[IncomingFile] = field(default_factory=list)
    tags: dict[str, Any] = field(default_factory=dict)
    service_identifier: str = ""
    service_name: str = ""


def _private_key(destination: Destination, kid: str, what: str) -> str:
    key = DestinationKey.objects.filter(
        destination=destination, kid=kid, purpose=DestinationKey.Purpose.ENCRYPTION
    ).first()
    if key is None:
        raise Rejected(
            Problem(
                "encryption-issue",
                "Unbekannter Schlüssel",
                f"{what} ist mit einem Schlüssel (kid {kid[:64] or 'fehlt'}) verschlüsselt, den dieser "
                "Zustellpunkt nicht hat. Bitte den aktuellen Schlüssel des Zustellpunkts abrufen.",
                what.lower(),
            )
        )
    return crypto.unseal(key.private_jwk_sealed)


def _decrypt(destination: Destination, token: str, what: str, instance: str) -> bytes:
    private = _private_key(destination, crypto.jwe_kid(token), what)
    try:
        return crypto.decrypt(token, private)
    except crypto.CryptoError as error:
        raise Rejected(
            Problem(
                "encryption-issue",
                "Entschlüsselung fehlgeschlagen",
                f"{what} ließ sich nicht entschlüsseln: beschädigt oder unterwegs verändert ({error}).",
                instance,
            )
        ) from error


def _hash_check(content: bytes, expected: Any, what: str, instance: str, problem_type: str) -> None:
    wanted = str((expected or {}).get("content", "")).lower()
    if crypto.sha512_hex(content) != wanted:
        raise Rejected(
            Problem(
                problem_type,
                "Prüfsumme stimmt nicht",
                f"Die SHA-512-Prüfsumme von {what} passt nicht zu der in den Metadaten. Die Daten wurden "
                "verändert oder unvollständig übertragen.",
                instance,
            )
        )


def _references(data: Any, ids: set[str], path: str = "") -> dict[str, str]:
    """Where in ``data`` each of ``ids`` is named (its field path)."""
    found: dict[str, str] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found.update(_references(value, ids, f"{path}.{key}" if path else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.update(_references(value, ids, f"{path}.{index}"))
    elif isinstance(data, str) and data in ids:
        found[data] = path
    return found


def _attachments(
    api: SubmissionApiV1, destination: Destination, envelope: dict[str, Any], received: _Received
) -> None:
    described = received.metadata["contentStructure"].get("attachments", [])
    uploaded = {str(a) for a in envelope.get("attachments", [])}
    named = {str(a["attachmentId"]) for a in described}
    if uploaded != named:
        raise Rejected(
            Problem(
                "missing-attachment",
                "Anlagen passen nicht zu den Metadaten",
                "Die hochgeladenen Anlagen und die in den Metadaten beschriebenen sind nicht dieselben "
                f"(fehlen: {', '.join(sorted(named - uploaded)) or '–'}; nicht beschrieben: "
                f"{', '.join(sorted(uploaded - named)) or '–'}).",
                "attachments",
            )
        )
    if named and Attachment.objects.filter(pk__in=named).exists():
        raise Rejected(
            Problem(
                "syntax-violation",
                "Anlagen-ID schon vergeben",
                "Eine Anlagen-ID dieser Einreichung wurde schon für eine andere verwendet; bitte neue UUIDs.",
                "attachments",
            )
        )
    limit = int(settings.AMTSWEG_UPLOAD_MAX_MB * 1024 * 1024)
    places = _references(received.data, named)
    for item in described:
        attachment_id = str(item["attachmentId"])
        instance = f"attachment:{attachment_id}"
        token = api.attachment(str(envelope["submissionId"]), attachment_id)
        # The JWE of a file is a third larger than the file: refuse what is clearly too big before decrypting.
        if len(token) > limit * 4 // 3 + 4096:
            raise _too_large(item, limit, instance)
        content = _decrypt(destination, token, "Die Anlage", instance)
        if len(content) > limit:
            raise _too_large(item, limit, instance)
        _hash_check(
            content,
            item.get("hash"),
            f"der Anlage {item.get('filename') or attachment_id}",
            instance,
            "incorrect-attachment-hash",
        )
        kind = filetype.guess_mime(content[:8192])
        if kind not in ALLOWED_KINDS:
            raise Rejected(
                Problem(
                    "unsupported-attachment-type",
                    "Dateityp nicht angenommen",
                    f"Die Anlage {item.get('filename') or attachment_id} ist keine Datei vom Typ "
                    f"{allowed_types_label()}.",
                    instance,
                )
            )
        received.files.append(
            IncomingFile(
                id=attachment_id,
                name=clean_file_name(
                    item.get("filename") or f"{attachment_id}.{ALLOWED_KINDS[kind].extension}"
                ),
                content_type=kind,
                content=content,
                field_path=places.get(attachment_id, "fitconnect"),
            )
        )
        received.tags.setdefault("attachments", {})[attachment_id] = crypto.auth_tag(token)


def _too_large(item: dict[str, Any], limit: int, instance: str) -> Rejected:
    return Rejected(
        Problem(
            "attachment-too-large",
            "Anlage zu groß",
            f"Die Anlage {item.get('filename') or item.get('attachmentId')} ist größer als "
            f"{limit // (1024 * 1024)} MB, die dieser Zustellpunkt annimmt.",
            instance,
        )
    )


def _fetch_and_check(destination: Destination, inbound: InboundSubmission) -> _Received:
    """Everything before the intake (network, decryption, checks); raises :class:`Rejected`."""
    api = api_for(destination)
    envelope = api.submission(str(inbound.fit_submission_id))
    received = _Received()
    service_type = envelope.get("serviceType") or {}
    received.service_identifier = str(service_type.get("identifier", ""))[:255]
    received.service_name = str(service_type.get("name", ""))[:300]
    metadata_token = str(envelope.get("encryptedMetadata") or "")
    if not metadata_token:
        raise Rejected(
            Problem(
                "missing-metadata", "Metadaten fehlen", "Die Einreichung hat keine Metadaten.", "metadata"
            )
        )
    received.metadata = checks.metadata_check(
        _decrypt(destination, metadata_token, "Die Metadaten", "metadata")
    )
    received.tags["metadata"] = crypto.auth_tag(metadata_token)
    content = received.metadata["contentStructure"]
    data_token = str(envelope.get("encryptedData") or "")
    if "data" not in content or not data_token:
        raise Rejected(
            Problem("missing-data", "Fachdaten fehlen", "Die Einreichung enthält keine Fachdaten.", "data")
        )
    raw = _decrypt(destination, data_token, "Die Fachdaten", "data")
    received.tags["data"] = crypto.auth_tag(data_token)
    _hash_check(raw, content["data"].get("hash"), "den Fachdaten", "data", "incorrect-data-hash")
    version = checks.form_version_for(content["data"]["submissionSchema"])
    service = version.form.service
    leika = checks.leika_key(received.service_identifier)
    if service is None or not leika or service.leika_key != leika:
        raise Rejected(
            Problem(
                "service-mismatch",
                "Leistung passt nicht zum Fachdatenschema",
                f"Die Leistung {received.service_identifier[:100] or '(keine)'} passt nicht zum "
                "Fachdatenschema "
                f"„{version.form.title}“ (LeiKa {service.leika_key if service else '–'}).",
                "submission",
            )
        )
    try:
        received.data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise Rejected(
            Problem(
                "syntax-violation", "Fachdaten nicht lesbar", "Die Fachdaten sind kein gültiges JSON.", "data"
            )
        ) from error
    received.form_version = version
    _attachments(api, destination, envelope, received)
    return received


def _municipality(destination: Destination, data: Any) -> Authority | None:
    """The applicant's municipality: a unique match of a postcode in the data, else the destination's."""
    codes: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if (
                    str(key).lower() in {"plz", "postleitzahl"}
                    and isinstance(inner, str)
                    and inner.strip().isdigit()
                ):
                    codes.add(inner.strip())
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    found = {m.pk: m for code in sorted(codes)[:5] for m in municipalities_for_postcode(code)}
    if len(found) == 1:
        return next(iter(found.values()))
    return destination.municipality


def _reply_email(metadata: dict[str, Any]) -> str:
    channel = metadata.get("replyChannel") or {}
    email = channel.get("eMail") if isinstance(channel, dict) else None
    return str(email.get("address", ""))[:254] if isinstance(email, dict) else ""


def inbound_receive(inbound_id: int) -> InboundSubmission:
    """Fetch, decrypt, check and take in one announced submission (idempotent; see the module doc).

    Network errors (:class:`~amtsweg.fitconnect.client.PartnerUnavailable`) propagate: the task is
    retried with backoff and nothing was stored.
    """
    from amtsweg.fitconnect.tasks import inbound_event_task

    inbound = InboundSubmission.objects.select_related("destination__municipality").get(pk=inbound_id)
    if inbound.status != InboundSubmission.Status.NEW:
        return inbound
    destination = inbound.destination
    problems: list[Problem] = []
    received = _Received()
    try:
        received = _fetch_and_check(destination, inbound)
    except Rejected as rejected:
        problems = rejected.problems
    except PartnerRefused as refused:
        if refused.status == 404:
            # Gone at FIT-Connect (accepted or rejected by another installation, or deleted): nothing to do.
            logger.warning(
                "FIT-Connect-Einreichung %s nicht mehr abrufbar: %s", inbound.fit_submission_id, refused
            )
        raise
    with transaction.atomic():
        locked = InboundSubmission.objects.select_for_update().get(pk=inbound.pk)
        if locked.status != InboundSubmission.Status.NEW:
            return locked  # another worker was quicker
        locked.service_identifier = received.service_identifier
        locked.service_name = received.service_name
        locked.metadata = received.metadata
        locked.auth_tags = received.tags
        if not problems and received.form_version is not None:
            try:
                submission, _created = submission_create(
                    form_version=received.form_version,
                    data=received.data,
                    applicant=None,
                    municipality=_municipality(destination, received.data),
                    idempotency_key=f"fitconnect:{locked.fit_submission_id}",
                    channel=Submission.Channel.FITCONNECT,
                    actor=system(),
                    source=SOURCE,
                    files=received.files,
                    fallback_email=_reply_email(received.metadata),
                )
                locked.submission = submission
            except SubmissionInvalid as invalid:
                problems = [
                    Problem(
                        "data-schema-violation",
                        "Fachdaten ungültig",
                        "Die Fachdaten entsprechen nicht dem Formular: "
                        + "; ".join(f"{e.path or '(Antrag)'}: {e.message}" for e in invalid.errors[:10]),
                        "data",
                    )
                ]
        locked.status = InboundSubmission.Status.REJECTED if problems else InboundSubmission.Status.ACCEPTED
        locked.problems = [p.as_event() for p in problems]
        locked.save()
        inbound_event_task.enqueue(locked.pk)
        audit_record(
            actor=system(),
            action="fitconnect.received" if not problems else "fitconnect.rejected",
            obj=locked,
            changes={
                "submission_id": str(locked.fit_submission_id),
                "reference": locked.submission.reference if locked.submission else "",
                "problems": [p.type for p in problems],
            },
            authority_id=destination.authority_id,
            source=SOURCE,
        )
    return locked


# ---- acknowledge: the signed event -----------------------------------------------------------------


def _event_claims(inbound: InboundSubmission) -> dict[str, Any]:
    if inbound.status == InboundSubmission.Status.ACCEPTED:
        tags = {"metadata": inbound.auth_tags.get("metadata", ""), "data": inbound.auth_tags.get("data", "")}
        tags["attachments"] = inbound.auth_tags.get("attachments", {})
        events = {EVENTS + "accept-submission": {"authenticationTags": tags}}
    else:
        events = {EVENTS + "reject-submission": {"problems": inbound.problems}}
    return {
        "$schema": SET_SCHEMA,
        "iss": str(inbound.destination.destination_id),
        "iat": int(time.time()),
        "jti": str(uuid.uuid4()),
        "sub": f"submission:{inbound.fit_submission_id}",
        "txn": f"case:{inbound.fit_case_id}",
        "events": events,
    }


def inbound_event_send(inbound_id: int) -> InboundSubmission:
    """Sign and post the accept or reject event of a received submission (once; a retry sends the very
    same token). A 409 from FIT-Connect means the event is there already."""
    inbound = InboundSubmission.objects.select_related("destination").get(pk=inbound_id)
    if inbound.status == InboundSubmission.Status.NEW or inbound.event_status == InboundSubmission.Event.SENT:
        return inbound
    if not inbound.event_token:
        key = active_key(inbound.destination, DestinationKey.Purpose.SIGNING)
        if key is None:
            raise RuntimeError(f"Zustellpunkt {inbound.destination} hat keinen aktiven Signaturschlüssel.")
        token = crypto.set_sign(_event_claims(inbound), crypto.unseal(key.private_jwk_sealed), key.kid)
        InboundSubmission.objects.filter(pk=inbound.pk, event_token="").update(event_token=token)
        inbound.refresh_from_db()
    try:
        api_for(inbound.destination).event_send(str(inbound.fit_case_id), inbound.event_token)
    except PartnerRefused as refused:
        if refused.status != 409:
            raise
    InboundSubmission.objects.filter(pk=inbound.pk).update(
        event_status=InboundSubmission.Event.SENT, event_sent_at=timezone.now()
    )
    inbound.refresh_from_db()
    return inbound


def callback_accept(
    *, destination: Destination, body: bytes, timestamp: str, mac: str
) -> list[InboundSubmission]:
    """A FIT-Connect callback: check its HMAC and age, then announce the submissions it names.

    Raises :class:`PermissionError` for a callback that is not authentic or too old, ``ValueError`` for
    a body that is not a callback."""
    secret = callback_secret(destination)
    if not secret or not crypto.callback_verify(secret, timestamp, body, mac):
        raise PermissionError("Callback nicht authentisch oder zu alt.")
    payload = json.loads(body)
    if not isinstance(payload, dict):
        raise ValueError("Kein Callback.")
    items: Iterable[Any] = payload.get("submissions") or []
    announced = []
    for item in items:
        if not isinstance(item, dict) or str(item.get("destinationId")) != str(destination.destination_id):
            continue
        inbound, _created = inbound_announce(
            destination=destination,
            submission_id=str(uuid.UUID(str(item["submissionId"]))),
            case_id=str(uuid.UUID(str(item["caseId"]))),
        )
        announced.append(inbound)
    return announced
