"""In Chromium: an EfA online service delivers a Hundesteuer application through the local FIT-Connect test
service (a second process); Amtsweg takes it in and accepts it; the caseworker of Dülmen logs in, finds the
case in the inbox and reads on its page that it came through FIT-Connect, from which online service, and
how the applicant is answered. axe-core finds no WCAG 2.1 A/AA violation on the case page."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
import requests
from django_otp.oath import totp

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


@pytest.fixture
def fitconnect_base() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "amtsweg.fitconnect.testservice", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    try:
        assert line.startswith("FITCONNECT_TESTSERVICE "), line
        yield line.split(" ", 1)[1]
    finally:
        process.terminate()
        process.wait(timeout=10)


def _delivered_case(base: str) -> Any:
    from amtsweg.access.models import RoleAssignment
    from amtsweg.access.testing import PASSWORD, staff_create, totp_device
    from amtsweg.fitconnect import crypto
    from amtsweg.fitconnect.checks import schema_uri_for
    from amtsweg.fitconnect.models import Destination
    from amtsweg.fitconnect.services import (
        destination_keys_generate,
        destination_poll,
        inbound_event_send,
        inbound_receive,
    )
    from amtsweg.fitconnect.testservice import examples, sender
    from amtsweg.fitconnect.testservice.setup import local_service_setup
    from amtsweg.forms.models import FormVersion
    from amtsweg.tenants.models import Authority

    destination = Destination.objects.create(
        authority=Authority.objects.get(slug="kreis-coesfeld"),
        name="EfA-Eingang (Browsertest)",
        destination_id=uuid.uuid4(),
        submission_api_url=base,
        token_url=base + "/token",
        client_id="abruf-browser",
        client_secret_sealed=crypto.seal("abruf"),
    )
    destination_keys_generate(actor=None, destination=destination)
    setup = local_service_setup(base, sender_id="onlinedienst", sender_secret="geheim")
    setup["destinations"] = [
        d for d in setup["destinations"] if d["destinationId"] == str(destination.destination_id)
    ]
    requests.post(base + "/_test/setup", json=setup, timeout=30).raise_for_status()
    version = FormVersion.objects.filter(
        form__key=examples.HUNDESTEUER_FORM, status="veroeffentlicht"
    ).first()
    api = sender.sender_api(base, base + "/token", "onlinedienst", "geheim")
    sent = sender.send(
        api,
        destination_id=str(destination.destination_id),
        leika_key=version.form.service.leika_key,
        service_name="Hundesteuer online (EfA NRW)",
        schema_uri=schema_uri_for(version),
        data=examples.hundesteuer(),
        attachments=[sender.SampleAttachment(examples.PDF, filename="Heimtierausweis.pdf")],
        reply_email="erika.mustermann@example.org",
    )
    (announced,) = destination_poll(destination)
    inbound = inbound_event_send(inbound_receive(announced.pk).pk)
    assert sender.outcome(api, sent, str(destination.destination_id))["event"] == "accept-submission"
    case = inbound.submission.case
    unit = case.org_unit
    worker = staff_create("sb-efa", case.authority, ("sachbearbeitung", unit) if unit else "sachbearbeitung")
    assert RoleAssignment.objects.filter(user=worker).exists()
    return {"case": case, "password": PASSWORD, "key": totp_device(worker).bin_key}


def test_a_fitconnect_submission_in_the_inbox_and_on_the_case_page(
    portal_data: Any,
    fitconnect_base: str,
    open_browser: Callable[..., Any],
    axe_check: Callable[[Page, str], str],
) -> None:
    world = _delivered_case(fitconnect_base)
    case = world["case"]
    staff = open_browser()
    page = staff.page
    page.goto(staff.url("/vorgaenge/"))
    page.get_by_label("E-Mail-Adresse oder Benutzername").fill("sb-efa")
    page.get_by_label("Passwort").fill(world["password"])
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.get_by_role("heading", name="Anmeldung bestätigen").wait_for()
    page.get_by_label("Code").fill(f"{totp(world['key']):06d}")
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(re.compile(r".*/vorgaenge/$"))
    page.get_by_role("link", name=re.compile(case.reference)).click()
    page.get_by_role("heading", level=1, name=f"Vorgang {case.reference}").wait_for()
    text = page.locator("main").inner_text()
    assert "über FIT-Connect" in text
    assert "Onlinedienst: Hundesteuer online (EfA NRW)" in text
    assert "E-Mail an erika.mustermann@example.org" in text
    assert "Heimtierausweis.pdf" in text
    found = axe_check(page, "Vorgang über FIT-Connect")
    assert not found, found
