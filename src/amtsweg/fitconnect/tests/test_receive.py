"""Receiving through FIT-Connect against the local test service (a second process): a submission becomes a
case in the inbox, is accepted, the sender sees the signed event; bad partners get the right event or a
retry, never a lost or doubled case."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsweg.access.testing import login_verified, staff_create
from amtsweg.cases.models import Case
from amtsweg.fitconnect import crypto
from amtsweg.fitconnect.checks import schema_uri_for
from amtsweg.fitconnect.client import PartnerUnavailable
from amtsweg.fitconnect.models import InboundSubmission
from amtsweg.fitconnect.services import destination_poll, inbound_event_send, inbound_receive
from amtsweg.fitconnect.tests.conftest import SENDER_ID, SENDER_SECRET, Partner
from amtsweg.fitconnect.testservice import examples, sender
from amtsweg.forms.models import FormVersion
from amtsweg.submissions.models import Submission

pytestmark = pytest.mark.django_db


def _version() -> FormVersion:
    return (
        FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM, status=FormVersion.Status.PUBLISHED)
        .select_related("form__service")
        .order_by("-published_at")
        .get()
    )


def _api(partner: Partner) -> Any:
    return sender.sender_api(partner.base_url, partner.base_url + "/token", SENDER_ID, SENDER_SECRET)


def _send(partner: Partner, **kwargs: Any) -> sender.Sent:
    version = _version()
    options: dict[str, Any] = {
        "destination_id": partner.destination_id,
        "leika_key": version.form.service.leika_key,
        "service_name": "Hundesteuer-Anmeldung (EfA-Onlinedienst NRW)",
        "schema_uri": schema_uri_for(version),
        "data": examples.hundesteuer(),
        "attachments": [sender.SampleAttachment(examples.PDF, filename="Heimtierausweis.pdf")],
        "reply_email": "erika.mustermann@example.org",
    }
    options.update(kwargs)
    return sender.send(_api(partner), **options)


def _receive(partner: Partner) -> InboundSubmission:
    """Poll, take in and acknowledge, as the worker does (the tasks call exactly these functions)."""
    announced = destination_poll(partner.destination)
    assert len(announced) == 1
    inbound = inbound_receive(announced[0].pk)
    return inbound_event_send(inbound.pk)


def _answer(partner: Partner, sent: sender.Sent) -> dict[str, Any]:
    found = sender.outcome(_api(partner), sent, partner.destination_id)
    assert found is not None, "Der Sender sieht keine Antwort im Event Log"
    return found


def _problems(found: dict[str, Any]) -> list[str]:
    assert found["event"] == "reject-submission"
    return [p["type"].rsplit("/", 1)[-1] for p in found["payload"]["problems"]]


def test_a_submission_becomes_a_case_is_accepted_and_the_sender_sees_it(partner: Partner) -> None:
    sent = _send(partner)
    inbound = _receive(partner)

    assert inbound.status == InboundSubmission.Status.ACCEPTED
    submission = Submission.objects.get(pk=inbound.submission_id)
    assert submission.channel == Submission.Channel.FITCONNECT
    assert submission.idempotency_key == f"fitconnect:{sent.submission_id}"
    # Routed by LeiKa key and municipality: PLZ 48249 is Dülmen, which levies its own dog tax.
    assert submission.municipality.name.endswith("Dülmen")
    case = Case.objects.get(submission=submission)
    assert case.authority == submission.authority
    assert [a.original_name for a in submission.attachments.all()] == ["Heimtierausweis.pdf"]

    found = _answer(partner, sent)
    assert found["event"] == "accept-submission"
    tags = found["payload"]["authenticationTags"]
    assert set(tags) == {"metadata", "data", "attachments"}

    # The caseworker sees the channel and how to answer.
    role = ("sachbearbeitung", case.org_unit) if case.org_unit else "sachbearbeitung"
    worker = staff_create("sb-fitconnect", case.authority, role)
    client = login_verified(Client(), worker)
    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "über FIT-Connect" in page
    assert "Onlinedienst: Hundesteuer-Anmeldung (EfA-Onlinedienst NRW)" in page
    assert "E-Mail an erika.mustermann@example.org" in page


def test_callback_with_a_valid_hmac_announces_and_a_wrong_one_is_refused(
    partner: Partner, client: Client
) -> None:
    sent = _send(partner)
    body = json.dumps(
        {
            "type": "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-submissions",
            "submissions": [
                {
                    "destinationId": partner.destination_id,
                    "submissionId": sent.submission_id,
                    "caseId": sent.case_id,
                }
            ],
        }
    ).encode()
    url = reverse("fitconnect:callback", args=[partner.destination_id])
    stamp = str(int(time.time()))

    def post(secret: str, timestamp: str) -> int:
        mac = crypto.callback_mac(secret, timestamp, body)
        headers = {"Callback-Timestamp": timestamp, "Callback-Authentication": mac}
        return client.post(url, body, content_type="application/json", headers=headers).status_code

    assert post("falsch" * 8, stamp) == 401
    assert post("c" * 40, str(int(time.time()) - 3600)) == 401  # too old: a replay
    assert not InboundSubmission.objects.exists()

    assert post("c" * 40, stamp) == 200
    assert post("c" * 40, stamp) == 200  # FIT-Connect may call twice
    assert InboundSubmission.objects.filter(fit_submission_id=sent.submission_id).count() == 1


def test_duplicate_delivery_gives_one_case_and_one_event(partner: Partner) -> None:
    sent = _send(partner)
    inbound = _receive(partner)
    again = inbound_receive(inbound.pk)  # a second worker, a retried task
    inbound_event_send(again.pk)
    assert destination_poll(partner.destination) == []  # accepted: no longer offered
    assert Submission.objects.filter(idempotency_key=f"fitconnect:{sent.submission_id}").count() == 1
    assert Case.objects.filter(submission__idempotency_key=f"fitconnect:{sent.submission_id}").count() == 1
    events = _api(partner).events(sent.case_id)
    assert len(events) == 3  # create, submit, accept – not two accepts


def test_old_key_still_decrypts_after_rotation(
    partner: Partner, key_pairs: dict[str, crypto.KeyPair]
) -> None:
    sent = _send(partner, encryption_key=key_pairs["encryption_old"].public)
    inbound = _receive(partner)
    assert inbound.status == InboundSubmission.Status.ACCEPTED
    assert _answer(partner, sent)["event"] == "accept-submission"


def test_wrong_key_is_rejected_with_an_encryption_issue(
    partner: Partner, key_pairs: dict[str, crypto.KeyPair]
) -> None:
    sent = _send(partner, encryption_key=key_pairs["stranger"].public)
    inbound = _receive(partner)
    assert inbound.status == InboundSubmission.Status.REJECTED
    assert inbound.submission is None
    assert _problems(_answer(partner, sent)) == ["encryption-issue"]
    assert "Schlüssel" in inbound.problems[0]["detail"]


def test_tampered_ciphertext_is_rejected(partner: Partner) -> None:
    sent = _send(partner)
    stored = partner.control("GET", f"/_test/submissions/{sent.submission_id}")
    head, key, iv, cipher, tag = stored["encrypted_data"].split(".")
    flipped = ("A" if cipher[5] != "A" else "B").join((cipher[:5], cipher[6:]))
    partner.control(
        "PATCH",
        f"/_test/submissions/{sent.submission_id}",
        json={"encrypted_data": ".".join((head, key, iv, flipped, tag))},
    )
    inbound = _receive(partner)
    assert inbound.status == InboundSubmission.Status.REJECTED
    assert _problems(_answer(partner, sent)) == ["encryption-issue"]
    assert not Submission.objects.filter(channel=Submission.Channel.FITCONNECT).exists()


def test_hash_mismatch_is_rejected(partner: Partner) -> None:
    def wrong_hash(metadata: dict[str, Any]) -> None:
        metadata["contentStructure"]["data"]["hash"]["content"] = "0" * 128

    sent = _send(partner, change_metadata=wrong_hash)
    _receive(partner)
    assert _problems(_answer(partner, sent)) == ["incorrect-data-hash"]


def test_attachment_hash_mismatch_is_rejected(partner: Partner) -> None:
    def wrong_hash(metadata: dict[str, Any]) -> None:
        metadata["contentStructure"]["attachments"][0]["hash"]["content"] = "f" * 128

    sent = _send(partner, change_metadata=wrong_hash)
    _receive(partner)
    assert _problems(_answer(partner, sent)) == ["incorrect-attachment-hash"]


def test_metadata_against_the_wrong_schema_is_rejected(partner: Partner) -> None:
    def version_one_shape(metadata: dict[str, Any]) -> None:
        metadata["contentStructure"]["data"]["submissionSchema"]["mimeType"] = "text/plain"

    sent = _send(partner, change_metadata=version_one_shape)
    inbound = _receive(partner)
    assert _problems(_answer(partner, sent)) == ["schema-violation"]
    assert "mimeType" in inbound.problems[0]["detail"]


def test_unknown_data_schema_and_invalid_data_are_rejected(partner: Partner) -> None:
    sent = _send(partner, schema_uri="https://schema.fitko.de/fim/s00000121_1.0.0.schema.json")
    _receive(partner)
    assert _problems(_answer(partner, sent)) == ["unsupported-schema"]

    data = examples.hundesteuer()
    data["halter"]["plz"] = "ABC"
    sent = _send(partner, data=data)
    inbound = _receive(partner)
    assert _problems(_answer(partner, sent)) == ["data-schema-violation"]
    assert "plz" in inbound.problems[0]["detail"]


def test_oversized_attachment_is_rejected(partner: Partner, settings: Any) -> None:
    settings.AMTSWEG_UPLOAD_MAX_MB = 0.01  # about 10 KB
    big = examples.PDF + b"%" + b"0" * 20_000 + b"\n"
    sent = _send(partner, attachments=[sender.SampleAttachment(big, filename="gross.pdf")])
    inbound = _receive(partner)
    assert _problems(_answer(partner, sent)) == ["attachment-too-large"]
    assert "gross.pdf" in inbound.problems[0]["detail"]


def test_partner_down_is_retried_and_nothing_is_lost_or_doubled(partner: Partner) -> None:
    sent = _send(partner)
    inbound = destination_poll(partner.destination)[0]
    partner.down()
    with pytest.raises(PartnerUnavailable):
        destination_poll(partner.destination)
    with pytest.raises(PartnerUnavailable):
        inbound_receive(inbound.pk)  # the task fails and is retried with backoff
    inbound.refresh_from_db()
    assert inbound.status == InboundSubmission.Status.NEW
    assert not Submission.objects.filter(idempotency_key=f"fitconnect:{sent.submission_id}").exists()

    # An hour later the retries are used up; the poll hands the waiting submission to a new task.
    partner.down(False)
    InboundSubmission.objects.filter(pk=inbound.pk).update(updated_at=timezone.now() - dt.timedelta(hours=2))
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path__endswith="inbound_receive_task").count()
    assert destination_poll(partner.destination) == []
    assert DBTaskResult.objects.filter(task_path__endswith="inbound_receive_task").count() == queued + 1

    accepted = inbound_event_send(inbound_receive(inbound.pk).pk)
    assert accepted.status == InboundSubmission.Status.ACCEPTED
    assert Submission.objects.filter(idempotency_key=f"fitconnect:{sent.submission_id}").count() == 1
    assert _answer(partner, sent)["event"] == "accept-submission"


def test_event_is_sent_only_after_the_intake_is_stored_and_a_retry_sends_the_same_token(
    partner: Partner,
) -> None:
    sent = _send(partner)
    inbound = inbound_receive(destination_poll(partner.destination)[0].pk)
    assert inbound.event_status == InboundSubmission.Event.PENDING
    assert sender.outcome(_api(partner), sent, partner.destination_id) is None  # nothing acknowledged yet
    partner.down()
    with pytest.raises(PartnerUnavailable):
        inbound_event_send(inbound.pk)
    inbound.refresh_from_db()
    token = inbound.event_token
    assert token
    assert inbound.event_status == InboundSubmission.Event.PENDING
    partner.down(False)
    sent_again = inbound_event_send(inbound.pk)
    assert sent_again.event_token == token
    assert _answer(partner, sent)["event"] == "accept-submission"


def test_the_send_test_command_of_the_demo_delivers_an_application_that_is_accepted(partner: Partner) -> None:
    import io

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = io.StringIO()
    with pytest.raises(CommandError, match="Hintergrundprozess"):  # nobody takes it in while it waits
        call_command(
            "fitconnect-send-test",
            "--destination", partner.destination_id,
            "--sender-id", SENDER_ID, "--sender-secret", SENDER_SECRET,
            "--wait", "0",
            stdout=out,
        )  # fmt: skip
    assert "Eingereicht: submissionId" in out.getvalue()
    inbound = _receive(partner)
    assert inbound.status == InboundSubmission.Status.ACCEPTED
    assert inbound.submission.applicant_email == "erika.mustermann@example.org"


def test_a_reply_channel_amtsweg_cannot_use_is_named_and_a_message_is_not_dropped_silently(
    partner: Partner,
) -> None:
    def de_mail(metadata: dict[str, Any]) -> None:
        metadata["replyChannel"] = {"deMail": {"address": "erika.mustermann@example.de-mail.de"}}

    _send(partner, reply_email="", change_metadata=de_mail)
    inbound = _receive(partner)
    assert inbound.status == InboundSubmission.Status.ACCEPTED
    case = Case.objects.get(submission=inbound.submission_id)
    role = ("sachbearbeitung", case.org_unit) if case.org_unit else "sachbearbeitung"
    client = login_verified(Client(), staff_create("sb-demail", case.authority, role))

    page = client.get(reverse("cases:case", args=[case.reference])).content.decode()
    assert "Rückkanal laut Onlinedienst: De-Mail" in page
    assert "bitte antworten Sie per Post" in page

    response = client.post(
        reverse("cases:case_message", args=[case.reference]),
        {"nachricht-text": "Bitte reichen Sie den Nachweis nach."},
        follow=True,
    )
    page = response.content.decode()
    assert "erreicht die antragstellende Person aber nicht elektronisch" in page
    assert "Rückkanal laut Onlinedienst: De-Mail" in page
    assert "Nicht elektronisch zugestellt – bitte per Post senden." in page
    assert "Die Nachricht ist gesendet." not in page
