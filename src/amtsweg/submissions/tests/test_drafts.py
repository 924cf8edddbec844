"""Drafts: resume link for applicants without an account, expiry and the deletion of expired drafts."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from amtsweg.core.schedule import periodic_jobs, schedule_due
from amtsweg.submissions.drafts import drafts_expire, drafts_expire_task, token_hash
from amtsweg.submissions.models import Attachment, Draft
from amtsweg.submissions.tests.test_flow import PDF, SCHUELER, SCHULE, Setup, post, start, step_url
from amtsweg.submissions.tests.test_flow import _setup_built as _setup_built  # fixtures: the
from amtsweg.submissions.tests.test_flow import setup as setup  # Kreis with its forms, built once per module


def _link(message: Any) -> str:
    found = re.search(r"http://testserver(/antrag/fortsetzen/[^/\s]+/)", message.body)
    assert found, message.body
    return found[1]


def test_anonymous_applicant_gets_a_resume_link_by_mail(
    client: Client, setup: Setup, mailoutbox: list[Any]
) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town, email="eltern@example.de")
    post(client, step_url(draft, "schueler"), SCHUELER)
    response = post(client, step_url(draft, "schule"), {"schule.klasse": "5a"}, action="speichern")
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:saved", args=[draft.pk])
    assert "eltern@example.de" in client.get(response["Location"]).content.decode()

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["eltern@example.de"]
    assert "Schülerfahrkosten" in message.subject
    # Only the link and the form title: nothing the applicant typed in.
    assert "Lena" not in message.body
    assert "Müller" not in message.body
    assert "5a" not in message.body
    link = _link(message)
    token = link.rstrip("/").rsplit("/", 1)[1]
    draft.refresh_from_db()
    assert draft.resume_token_hash == token_hash(token)
    assert token not in draft.resume_token_hash

    # Another browser (no session) opens the link and continues where the applicant stopped.
    other = Client()
    assert other.get(step_url(draft, "schule")).status_code == 404
    response = other.get(link)
    assert response.status_code == 302
    assert response["Location"] == step_url(draft, "schule")
    page = other.get(response["Location"]).content.decode()
    assert 'value="5a"' in page

    # A newer link replaces the older one.
    post(other, step_url(draft, "schule"), {"schule.klasse": "5a"}, action="speichern")
    assert len(mailoutbox) == 2
    assert Client().get(link).status_code == 404
    assert Client().get(_link(mailoutbox[1])).status_code == 302
    assert Client().get("/antrag/fortsetzen/falsch/").status_code == 404


def test_resume_links_to_one_address_are_limited_and_the_last_one_keeps_working(
    client: Client, setup: Setup, mailoutbox: list[Any]
) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town, email="opfer@example.de")
    post(client, step_url(draft, "schueler"), SCHUELER)
    for _ in range(3):
        assert (
            post(client, step_url(draft, "schule"), {"schule.klasse": "5a"}, action="speichern").status_code
            == 302
        )
    assert len(mailoutbox) == 3
    newest = _link(mailoutbox[-1])

    refused = post(client, step_url(draft, "schule"), {"schule.klasse": "5b"}, action="speichern")
    assert refused.status_code == 429
    page = refused.content.decode()
    assert "schon mehrere Links geschickt" in page
    assert "Ihr Antrag ist gespeichert" in page
    assert len(mailoutbox) == 3  # no fourth mail
    draft.refresh_from_db()
    assert draft.data["schule"]["klasse"] == "5b"  # the answers are kept all the same
    assert Client().get(newest).status_code == 302  # and the newest link still opens the draft

    # Another draft to the same address from another client: still limited (per address).
    other = Client(REMOTE_ADDR="192.0.2.50")
    second = start(other, "schuelerfahrkosten", setup.town, email="Opfer@Example.de ")
    post(other, step_url(second, "schueler"), SCHUELER)
    assert (
        post(other, step_url(second, "schule"), {"schule.klasse": "6"}, action="speichern").status_code == 429
    )
    assert len(mailoutbox) == 3


def test_expired_draft_shows_a_page_to_start_again(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(step_url(draft, "schueler"))
    assert response.status_code == 410
    html = response.content.decode()
    assert "Dieser Entwurf ist abgelaufen" in html
    assert reverse("submissions:start", args=["schuelerfahrkosten"]) in html


def test_saving_pushes_the_expiry_out(client: Client, setup: Setup, settings: Any) -> None:
    settings.AMTSWEG_DRAFT_DAYS = 7
    draft = start(client, "schuelerfahrkosten", setup.town)
    assert timedelta(days=6) < draft.expires_at - timezone.now() <= timedelta(days=7)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() + timedelta(days=1))
    post(client, step_url(draft, "schueler"), SCHUELER)
    draft.refresh_from_db()
    assert draft.expires_at - timezone.now() > timedelta(days=6)


def test_drafts_expire_deletes_drafts_and_their_files(client: Client, setup: Setup) -> None:
    old = start(client, "schuelerfahrkosten", setup.town)
    post(client, step_url(old, "schueler"), SCHUELER)
    upload = SimpleUploadedFile("b.pdf", PDF, content_type="application/pdf")
    post(client, step_url(old, "schule"), {**SCHULE, "schule.schulbescheinigung": upload})
    attachment = Attachment.objects.get(draft=old)
    stored = attachment.file.path
    fresh = start(client, "schuelerfahrkosten", setup.town)

    Draft.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert drafts_expire() == 1
    assert not Draft.objects.filter(pk=old.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert not os.path.exists(stored)
    assert Draft.objects.filter(pk=fresh.pk).exists()

    Draft.objects.filter(pk=fresh.pk).update(expires_at=timezone.now() - timedelta(days=1))
    call_command("expire-drafts", verbosity=0)
    assert not Draft.objects.exists()


def test_expiry_runs_daily_on_the_worker(client: Client, setup: Setup) -> None:
    from django_tasks_db.models import DBTaskResult

    job = periodic_jobs["submissions.drafts_expire"]
    assert job.every == timedelta(days=1)
    assert "submissions.drafts_expire" in schedule_due(timezone.now())
    assert DBTaskResult.objects.filter(task_path__endswith="drafts_expire_task").count() == 1
    draft = start(client, "schuelerfahrkosten", setup.town)
    Draft.objects.filter(pk=draft.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert drafts_expire_task.call() == 1
    assert not Draft.objects.exists()


def test_delete_draft_as_anonymous_applicant(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    confirm = client.get(reverse("submissions:delete", args=[draft.pk]))
    assert "Entwurf löschen?" in confirm.content.decode()
    response = client.post(reverse("submissions:delete", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:start", args=["schuelerfahrkosten"])
    assert not Draft.objects.filter(pk=draft.pk).exists()


def test_start_page_asks_for_town_and_email(client: Client, setup: Setup) -> None:
    url = reverse("submissions:start", args=["schuelerfahrkosten"])
    response = client.post(url, {"gemeinde": "", "email": "kein-mail"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte wählen Sie Ihre Stadt oder Gemeinde aus." in html
    assert "gültige E-Mail-Adresse" in html
    assert not Draft.objects.exists()
    assert client.get(reverse("submissions:start", args=["gibt-es-nicht"])).status_code == 404
