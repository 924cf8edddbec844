"""After submitting, the browser's Back button shows the receipt (not a 404); ``/antrag/`` lists the
online applications (a plain page that works without JavaScript)."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from amtsweg.submissions.models import Submission
from amtsweg.submissions.tests.test_flow import BANK, PDF, SCHUELER, SCHULE, Setup, post, start, step_url
from amtsweg.submissions.tests.test_flow import _setup_built as _setup_built  # fixtures: the
from amtsweg.submissions.tests.test_flow import setup as setup  # Kreis with its forms, built once per module


def test_back_after_submitting_shows_the_receipt(client: Client, setup: Setup) -> None:
    draft = start(client, "schuelerfahrkosten", setup.town)
    assert post(client, step_url(draft, "schueler"), SCHUELER).status_code == 302
    upload = SimpleUploadedFile("bescheinigung.pdf", PDF, content_type="application/pdf")
    assert (
        post(client, step_url(draft, "schule"), {**SCHULE, "schule.schulbescheinigung": upload}).status_code
        == 302
    )
    assert post(client, step_url(draft, "bank"), BANK).status_code == 302
    client.post(reverse("submissions:submit", args=[draft.pk]))
    submission = Submission.objects.get()
    receipt = reverse("submissions:receipt", args=[submission.pk])

    for back in (reverse("submissions:summary", args=[draft.pk]), step_url(draft, "bank")):
        response = client.get(back)
        assert response.status_code == 302, back
        assert response["Location"] == receipt
    assert submission.reference in client.get(receipt).text

    # Someone else's browser learns nothing about the submission.
    assert Client().get(reverse("submissions:summary", args=[draft.pk])).status_code == 404


def test_antrag_lists_the_online_applications(client: Client, setup: Setup) -> None:
    response = client.get("/antrag/")
    assert response.status_code == 200
    page = response.text
    assert '<h1 class="kern-heading-x-large">Online-Anträge</h1>' in page
    assert f'href="{reverse("submissions:start", args=["schuelerfahrkosten"])}"' in page
    assert "Antrag auf Übernahme von Schülerfahrkosten" in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]
