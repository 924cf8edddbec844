"""The intake of submissions: durable, idempotent, in one transaction.

``submission_submit`` (web, from a draft) and ``submission_create`` (API) share one core, :func:`_intake`:

1. validate the data against the **exact form version** (nothing is written when it fails);
2. find the responsible authority and org unit (``catalog.selectors.responsibility_resolve``);
3. in one ``transaction.atomic()``: insert the submission with a fresh reference number and the
   idempotency key, move the draft's attachments to it, delete the draft, enqueue one follow-up task –
   the confirmation e-mail, which renders the receipt PDF first, or only the PDF when there is no e-mail
   address (the task row is committed with the data, decision 0002) –, run the handlers other
   apps registered in :mod:`amtsweg.submissions.hooks` (e.g. the case) and, last, append the
   audit entry – the audit chain locks its head row until the commit, so it goes last to hold the lock
   as briefly as possible.

Idempotency: the idempotency key is unique in the database. A second call with the same key – a double
click, back and submit again, a retried API request, or two requests at the same moment – returns the
submission stored first. The loser of a race runs into the unique constraint, rolls back and reads the
winner's row. A clash of reference numbers (random, see :mod:`references`) is retried with a new number.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amtsweg.catalog.models import Service
from amtsweg.catalog.selectors import responsibility_resolve
from amtsweg.core.actors import as_actor
from amtsweg.core.audit import audit_record
from amtsweg.core.memo import TTLMemo
from amtsweg.forms.models import FormVersion
from amtsweg.forms.persons import version_applicant
from amtsweg.forms.spec import FormSpec, GroupSpec
from amtsweg.forms.validation import FieldError, prune_hidden, validate_version
from amtsweg.submissions.hooks import submission_received_run, submit_guard_url
from amtsweg.submissions.models import Attachment, Draft, Submission
from amtsweg.submissions.references import reference_new
from amtsweg.submissions.tasks import render_receipt, send_confirmation
from amtsweg.tenants.models import Authority, OrgUnit

logger = logging.getLogger("amtsweg.submissions")

REFERENCE_ATTEMPTS = 5


class SubmissionInvalid(Exception):
    """The data do not pass the form's validation; ``errors`` says where and why (German)."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


class SubmissionGateOpen(Exception):
    """A step the applicant must take before the draft may be submitted (e.g. paying the fee); ``url``
    leads there."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different request."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(
            _("Dieser Idempotenzschlüssel wurde schon für einen anderen Antrag verwendet (%(reference)s).")
            % {"reference": submission.reference}
        )
        self.submission = submission


@dataclass(frozen=True)
class IncomingFile:
    """A document that arrives with a submission from another system (FIT-Connect): stored as an
    :class:`Attachment` with this ``id`` in the intake transaction, so the data may refer to it."""

    id: str
    name: str
    content_type: str
    content: bytes
    field_path: str = ""


@dataclass(frozen=True)
class _Applicant:
    user: Any
    name: str
    email: str


def _is_account(actor: Any) -> bool:
    return bool(actor is not None and getattr(actor, "is_authenticated", False))


def draft_idempotency_key(draft_id: Any) -> str:
    return f"draft:{draft_id}"


def draft_id_of(submission: Submission) -> str | None:
    """The id of the draft ``submission`` was made from (web), ``None`` for one from the API."""
    key = submission.idempotency_key
    return key.removeprefix("draft:") if key.startswith("draft:") else None


def submission_for_draft(draft_id: Any) -> Submission | None:
    """The submission made from the draft ``draft_id`` (also after the draft is gone), or ``None``."""
    return Submission.objects.filter(idempotency_key=draft_idempotency_key(draft_id)).first()


def request_fingerprint(*, form_key: str, municipality: str, data: Any) -> str:
    """SHA-256 of a request's content in canonical JSON: the same body gives the same fingerprint."""
    canonical = json.dumps(
        {"form": form_key, "municipality": municipality, "data": data},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# ---- applicant name and e-mail ------------------------------------------------------------------


def _applicant(version: FormVersion, data: Any, user: Any, fallback_email: str = "") -> _Applicant:
    """Name and e-mail of the case: from the form's applicant group (the Fachadmin's setting, else the
    definition, else the guess of :mod:`amtsweg.forms.persons`); a logged-in account's own win."""
    person = version_applicant(version, data)
    name, email = person.name, person.email
    if _is_account(user):
        name = (user.get_full_name() or "").strip() or name
        email = user.email or email
    return _Applicant(user=user if _is_account(user) else None, name=name, email=email or fallback_email)


# ---- the core -----------------------------------------------------------------------------------

_responsibility: TTLMemo[tuple[Authority | None, OrgUnit | None]] = TTLMemo("Zuständigkeit", seconds=10.0)


def _responsible(
    service: Service | None, municipality: Authority | None
) -> tuple[Authority | None, OrgUnit | None]:
    """Authority and org unit responsible for ``service`` in ``municipality`` (``None`` when unknown).

    Resolved with ``catalog.selectors.responsibility_resolve`` and remembered per process for a few seconds
    (:class:`~amtsweg.core.memo.TTLMemo`): under load the same pairs come again and again, and a changed
    rule applies to new submissions at most ten seconds later (staff route a submission again if it ever
    matters).
    """
    if service is None or municipality is None:
        return None, None

    def load() -> tuple[Authority | None, OrgUnit | None]:
        resolved = responsibility_resolve(service, municipality)
        return (resolved.authority, resolved.org_unit) if resolved is not None else (None, None)

    return _responsibility.get((service.pk, municipality.pk), load)


def _attachment_ids(spec: FormSpec, data: Any) -> set[str]:
    """Every attachment id the data refer to (values of file fields, also in repeating groups)."""
    ids: set[str] = set()

    def walk(group: GroupSpec, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for child in group.children:
            value = instance.get(child.key)
            values = value if isinstance(value, list) else [value]
            if isinstance(child.element, GroupSpec):
                for item in values:
                    walk(child.element, item)
            elif child.element.datatype == "file":
                ids.update(str(v) for v in values if isinstance(v, str) and v)

    walk(spec.root, data)
    return ids


def _validated(version: FormVersion, data: Any, attachment_ids: set[str]) -> Any:
    """The data to store (answers of hidden fields dropped); raises :class:`SubmissionInvalid`."""
    spec = version.spec()
    errors = validate_version(version, data)
    unknown = sorted(_attachment_ids(spec, data) - attachment_ids)
    if unknown:
        errors = [
            *errors,
            FieldError(
                path="",
                message=_(
                    "Eine angegebene Datei gehört nicht zu diesem Antrag. Bitte laden Sie sie erneut hoch."
                ),
            ),
        ]
    if errors:
        raise SubmissionInvalid(errors)
    return prune_hidden(spec, data)


def _intake(
    *,
    form_version: FormVersion,
    data: Any,
    applicant: _Applicant,
    municipality: Authority | None,
    idempotency_key: str,
    channel: str,
    actor: Any,
    source: str,
    client: str = "",
    draft: Draft | None = None,
    files: Sequence[IncomingFile] = (),
) -> tuple[Submission, bool]:
    """Store one submission (see the module docstring); returns it and whether it is new."""
    form = form_version.form
    service = form.service
    authority, org_unit = _responsible(service, municipality)
    for _attempt in range(REFERENCE_ATTEMPTS):
        now = timezone.now()
        submission = Submission(
            reference=reference_new(now),
            idempotency_key=idempotency_key,
            form_version=form_version,
            service=service,
            applicant=applicant.user,
            organisation=draft.organisation if draft is not None else None,
            applicant_name=applicant.name,
            applicant_email=applicant.email,
            municipality=municipality,
            authority=authority,
            org_unit=org_unit,
            data=data,
            channel=channel,
            submitted_at=now,
        )
        try:
            with transaction.atomic():
                submission.save(force_insert=True)
                if draft is not None:
                    Attachment.objects.filter(draft_id=draft.pk).update(draft=None, submission=submission)
                    Draft.objects.filter(pk=draft.pk).delete()
                for incoming in files:
                    _file_store(submission, incoming)
                # One follow-up task: the e-mail task renders the receipt PDF before it sends it; without
                # an e-mail address only the PDF is made. (One row less in the intake transaction.)
                followup = send_confirmation if _confirmation_allowed(applicant, client) else render_receipt
                followup.enqueue(str(submission.pk))
                submission_received_run(submission, as_actor(actor))
                audit_record(
                    actor=actor,
                    action="submission.received",
                    obj=submission,
                    changes={
                        "form": form.key,
                        "version": form_version.version,
                        "channel": channel,
                        "authority": authority.pk if authority else None,
                        "org_unit": org_unit.pk if org_unit else None,
                    },
                    authority_id=authority.pk if authority else None,
                    source=source,
                )
        except IntegrityError:
            existing = Submission.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing, False
            logger.info("Aktenzeichen %s schon vergeben, neuer Versuch", submission.reference)
            continue
        logger.debug("Antrag %s eingegangen (%s, %s)", submission.reference, form.key, channel)
        return submission, True
    raise RuntimeError("Kein freies Aktenzeichen nach mehreren Versuchen")  # pragma: no cover


def _file_store(submission: Submission, incoming: IncomingFile) -> None:
    extension = incoming.content_type.rsplit("/", 1)[-1].replace("jpeg", "jpg")
    attachment = Attachment(
        id=incoming.id,
        submission=submission,
        field_path=incoming.field_path,
        original_name=incoming.name,
        content_type=incoming.content_type,
        size=len(incoming.content),
        sha256=hashlib.sha256(incoming.content).hexdigest(),
    )
    attachment.file.save(f"{incoming.id}.{extension}", ContentFile(incoming.content), save=False)
    attachment.save(force_insert=True)


def _confirmation_allowed(applicant: _Applicant, client: str) -> bool:
    """An account's confirmation goes to its confirmed address; one without an account only within the
    limit per address and client (:func:`amtsweg.accounts.services.confirmation_allowance_take`). Over it
    the application is stored all the same – just without a mail."""
    from amtsweg.accounts.services import confirmation_allowance_take

    if not applicant.email:
        return False
    if _is_account(applicant.user):
        return True
    return confirmation_allowance_take(email=applicant.email, ip=client)


def submission_submit(
    *, draft: Draft, actor: Any, source: str = "", channel: str = "web", client: str = ""
) -> Submission:
    """Submit ``draft``: validate, store the submission, move the uploads, delete the draft.

    Raises :class:`SubmissionInvalid` (with the field errors, nothing written) when the data do not
    pass the validation of the draft's form version, :class:`SubmissionGateOpen` when a step must come
    first (a fee to pay before submitting, :mod:`amtsweg.submissions.hooks`). Calling it again for the
    same draft – even after
    the draft is gone – returns the submission made the first time. The caller has checked that
    ``actor`` may use the draft (its account, session or resume link).
    """
    existing = submission_for_draft(draft.pk)
    if existing is not None:
        return existing
    if draft.applicant_id is not None and (not _is_account(actor) or actor.pk != draft.applicant_id):
        raise PermissionDenied(_("Dieser Entwurf gehört zu einem anderen Konto."))
    if (gate := submit_guard_url(draft)) is not None:
        raise SubmissionGateOpen(gate)
    version = draft.form_version
    attachment_ids = {
        str(pk) for pk in Attachment.objects.filter(draft_id=draft.pk).values_list("pk", flat=True)
    }
    data = _validated(version, draft.data, attachment_ids)
    user = draft.applicant if draft.applicant_id is not None else actor
    municipality = draft.municipality or (getattr(user, "municipality", None) if _is_account(user) else None)
    submission, _created = _intake(
        form_version=version,
        data=data,
        applicant=_applicant(version, data, user, fallback_email=draft.email),
        municipality=municipality,
        idempotency_key=draft_idempotency_key(draft.pk),
        channel=channel,
        actor=actor,
        source=source,
        client=client,
        draft=draft,
    )
    return submission


def submission_create(
    *,
    form_version: FormVersion,
    data: Any,
    applicant: Any,
    municipality: Authority | None,
    idempotency_key: str,
    channel: str = Submission.Channel.API,
    actor: Any = None,
    source: str = "",
    client: str = "",
    files: Sequence[IncomingFile] = (),
    fallback_email: str = "",
) -> tuple[Submission, bool]:
    """Store a submission that did not come from a draft (API, FIT-Connect). Returns it and whether it
    is new.

    ``files`` are documents that came with it (stored with their ids, which the data may name);
    ``fallback_email`` is the applicant's address when the data have none (FIT-Connect's reply channel).

    ``applicant`` is the logged-in account or ``None``; name and e-mail are then taken from the data.
    Raises :class:`SubmissionInvalid` for invalid data (nothing written). With an idempotency key
    that is already stored it returns the stored submission and ``False``; the caller compares the
    content (:class:`IdempotencyConflict` is for the caller to raise when it differs).
    """
    # No look-up first: a repeated key is rare and runs into the unique constraint (one query less).
    data = _validated(form_version, data, {incoming.id for incoming in files})
    return _intake(
        form_version=form_version,
        data=data,
        applicant=_applicant(form_version, data, applicant, fallback_email=fallback_email),
        municipality=municipality,
        idempotency_key=idempotency_key,
        channel=channel,
        actor=actor if actor is not None else applicant,
        source=source,
        client=client,
        files=files,
    )


def responsible(
    service: Service | None, municipality: Authority | None
) -> tuple[Authority | None, OrgUnit | None]:
    """Authority and org unit responsible for ``service`` in ``municipality`` (as the intake does)."""
    return _responsible(service, municipality)
