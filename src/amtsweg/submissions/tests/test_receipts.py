"""Receipt PDF, confirmation e-mail, receipt page and the demo outbox."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.filebased import EmailBackend as FileEmailBackend
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from amtsweg.accounts.models import User
from amtsweg.submissions.models import Submission
from amtsweg.submissions.receipts import confirmation_message
from amtsweg.submissions.services import submission_submit
from amtsweg.submissions.tasks import render_receipt, send_confirmation
from amtsweg.submissions.tests.test_intake_fixtures import (
    World,
    build_world,
    pdf_bytes,
    upload,
    valid_data,
)
from amtsweg.submissions.uploads import attachment_add
from amtsweg.submissions.views_receipt import SUBMITTED_SESSION_KEY
from amtsweg.testing import pdf_accessibility_problems


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _pdf_text(submission: Submission) -> str:
    with submission.receipt_pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _submitted(world: World, *, actor: Any = None) -> Submission:
    draft = world.draft(actor=actor)
    attachment = attachment_add(
        draft=draft, field_path="nachweis", file=upload("Versicherung_Hündin.pdf", pdf_bytes()), actor=None
    )
    draft.data = valid_data(nachweis=str(attachment.pk))
    draft.save(update_fields=["data"])
    return submission_submit(draft=draft, actor=actor)


def test_the_worker_renders_the_pdf_and_sends_the_mail_once(
    run_tasks: Callable[[], None], media: Path
) -> None:
    submission = _submitted(build_world())
    mail.outbox.clear()

    run_tasks()

    submission.refresh_from_db()
    assert submission.receipt_pdf.name.startswith("receipts/")
    assert submission.receipt_emailed_at is not None
    with submission.receipt_pdf.open("rb") as handle:
        assert pdf_accessibility_problems(handle.read(), title=submission.reference) == []
    text = _pdf_text(submission)
    for expected in (
        "Eingangsbestätigung",
        submission.reference,
        "Stadt Dülmen",
        "Steueramt",
        "Hundesteuer anmelden",
        "Jürgen",
        "Müller-Lüdenscheidt",
        "Angaben zum Hund 1",
        "Bello",
        "Dackel (Teckel)",
        "01.03.2024",
        "1.234,50 €",
        "Ja",
        "Versicherung_Hündin.pdf",
    ):
        assert expected in text, expected
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["juergen@example.org"]
    assert submission.reference in message.subject
    assert "Ihr Antrag „Hundesteuer anmelden“ ist am" in message.body
    assert "So geht es weiter" in message.body
    # No personal data in the mail (issue 12): no PDF with the answers, no name the applicant typed;
    # a link opens the receipt instead – for a browser without the submitting session too.
    assert message.attachments == []
    assert "Jürgen" not in message.body
    assert "Müller" not in message.alternatives[0][0]
    link = re.search(r"https?://[^/\s]+(/antrag/eingang/zugang/\S+/)", message.body)
    assert link, message.body
    stranger = Client()
    assert stranger.get(reverse("submissions:receipt", args=[submission.pk])).status_code == 404
    opened = stranger.get(link.group(1), follow=True)
    assert opened.status_code == 200
    assert submission.reference in opened.content.decode()
    assert Client().get(link.group(1).replace("/zugang/", "/zugang/x")).status_code == 404

    # Running both tasks again (a retry, a second worker) sends nothing and renders nothing new.
    pdf_name = submission.receipt_pdf.name
    render_receipt.enqueue(str(submission.pk))
    send_confirmation.enqueue(str(submission.pk))
    run_tasks()
    submission.refresh_from_db()
    assert submission.receipt_pdf.name == pdf_name
    assert len(mail.outbox) == 1
    assert len(list((media / "receipts").rglob("*.pdf"))) == 1


def test_the_mail_task_renders_the_pdf_itself_when_it_runs_first(
    run_tasks: Callable[[], None], media: Path
) -> None:
    from django_tasks_db.models import DBTaskResult

    submission = _submitted(build_world())
    DBTaskResult.objects.filter(task_path__endswith="render_receipt").delete()
    mail.outbox.clear()
    run_tasks()
    submission.refresh_from_db()
    assert submission.receipt_pdf
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments == []


@pytest.mark.django_db
def test_receipt_page_only_for_the_submitting_session_or_account(world: World, media: Path) -> None:
    anonymous = _submitted(world)
    url = reverse("submissions:receipt", args=[anonymous.pk])

    assert Client().get(url).status_code == 404
    client = Client()
    session = client.session
    session[SUBMITTED_SESSION_KEY] = [str(anonymous.pk)]
    session.save()
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert anonymous.reference in html
    assert "So geht es weiter" in html
    assert "Stadt Dülmen, Steueramt" in html
    assert reverse("submissions:receipt_pdf", args=[anonymous.pk]) in html
    # The confirmation e-mail carries a link to the receipt, no PDF (no personal data in e-mails).
    assert "als PDF" not in html
    assert "mit einem Link zur Eingangsbestätigung" in html

    owner = User.objects.create_user(username="erika", email="erika@example.org")
    own = _submitted(world, actor=owner)
    own_url = reverse("submissions:receipt", args=[own.pk])
    assert client.get(own_url).status_code == 404
    client.force_login(owner)
    assert client.get(own_url).status_code == 200
    stranger = Client()
    stranger.force_login(User.objects.create_user(username="fremd", email="fremd@example.org"))
    assert stranger.get(own_url).status_code == 404


@pytest.mark.django_db
def test_pdf_link_renders_on_demand_before_the_worker_ran(world: World, media: Path) -> None:
    submission = _submitted(world)
    client = Client()
    session = client.session
    session[SUBMITTED_SESSION_KEY] = [str(submission.pk)]
    session.save()
    response = client.get(reverse("submissions:receipt_pdf", args=[submission.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert content.startswith(b"%PDF")
    assert submission.reference in "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert Client().get(reverse("submissions:receipt_pdf", args=[submission.pk])).status_code == 404


@pytest.mark.django_db
def test_demo_outbox_is_hidden_unless_switched_on(
    world: World, media: Path, settings: Any, tmp_path: Path
) -> None:
    url = reverse("submissions:demo_outbox")
    settings.AMTSWEG_DEMO_OUTBOX = False
    settings.DEBUG = False
    assert Client().get(url).status_code == 404

    submission = _submitted(world)
    mailbox = tmp_path / "mail"
    FileEmailBackend(file_path=str(mailbox)).send_messages([confirmation_message(submission)])
    settings.AMTSWEG_DEMO_OUTBOX = True
    settings.AMTSWEG_MAIL_DIR = mailbox
    page = Client().get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert submission.reference in html
    assert "juergen@example.org" in html
    assert "So geht es weiter" in html


def test_a_transient_storage_error_is_retried_later_by_the_worker(
    transactional_db: None, media: Path, settings: Any
) -> None:
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    submission = _submitted(build_world())
    blocked = media / "kein-ordner"
    blocked.write_text("Hier kann kein Ordner entstehen.")
    settings.MEDIA_ROOT = blocked  # the storage cannot write: an OSError, as with a full disk or S3 outage

    call_command("worker", "--batch", verbosity=0)

    # The confirmation e-mail, which renders the receipt first.
    task = DBTaskResult.objects.get(task_path="amtsweg.submissions.tasks.send_confirmation")
    assert task.status == "READY"  # not given up: the next attempt waits
    assert task.exception_class_path == "builtins.NotADirectoryError"
    assert task.run_after > submission.submitted_at
    submission.refresh_from_db()
    assert not submission.receipt_pdf

    settings.MEDIA_ROOT = media  # the storage is back, and the pause is over
    DBTaskResult.objects.filter(pk=task.pk).update(run_after=submission.submitted_at)
    call_command("worker", "--batch", verbosity=0)

    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    assert len(task.worker_ids) == 2
    submission.refresh_from_db()
    assert submission.receipt_pdf
    assert len(mail.outbox) == 1


def test_a_receipt_whose_worker_was_killed_mid_run_is_made_by_the_next_worker(
    transactional_db: None, media: Path, settings: Any
) -> None:
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from amtsweg.core.models import TaskWorker

    settings.AMTSWEG_TASK_LEASE_SECONDS = 60
    submission = _submitted(build_world())
    mail.outbox.clear()
    # A worker claimed the confirmation and was killed (kill -9) two minutes ago: the row says RUNNING.
    two_minutes_ago = timezone.now() - dt.timedelta(minutes=2)
    TaskWorker.objects.create(worker_id="getoetet", started_at=two_minutes_ago, last_seen_at=two_minutes_ago)
    DBTaskResult.objects.filter(task_path__startswith="amtsweg.submissions.tasks.").update(
        status="RUNNING", started_at=two_minutes_ago, worker_ids=["getoetet"]
    )

    call_command("worker", "--batch", verbosity=0)

    submission.refresh_from_db()
    assert submission.receipt_pdf
    assert submission.receipt_emailed_at is not None
    assert len(mail.outbox) == 1
    assert len(list((media / "receipts").rglob("*.pdf"))) == 1


def test_markup_in_the_answers_fetches_nothing_into_the_receipt(
    web_server: tuple[str, list[str]], db: None
) -> None:
    """An applicant types HTML with addresses into the form; the receipt shows it as text, loads nothing."""
    from amtsweg.submissions.receipts import receipt_pdf_bytes
    from amtsweg.submissions.services import submission_create

    base, requests = web_server
    world = build_world()
    hostile = f'Bello<img src="{base}/a.png"><link rel=stylesheet href="{base}/b.css">'
    data = valid_data(hund=[{"name": hostile, "rasse": "02", "geburtsdatum": "2024-03-01"}])
    submission, _created = submission_create(
        form_version=world.version,
        data=data,
        applicant=None,
        municipality=world.town,
        idempotency_key="markup",
    )
    pdf = receipt_pdf_bytes(submission)
    assert requests == []
    assert pdf_accessibility_problems(pdf, title=submission.reference) == []
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<img" in text
