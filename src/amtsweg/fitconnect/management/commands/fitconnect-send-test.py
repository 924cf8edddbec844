"""``amtsweg fitconnect-send-test``: play an EfA online service and deliver a test application (the demo
form "Anmeldung zur Hundesteuer") over FIT-Connect to one of our destinations – normally the demo's,
on the local test service. Waits for the accept or reject event and prints it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amtsweg.fitconnect.checks import schema_uri_for
from amtsweg.fitconnect.client import PartnerError
from amtsweg.fitconnect.models import Destination
from amtsweg.fitconnect.testservice import examples, sender
from amtsweg.forms.models import FormVersion


class Command(BaseCommand):
    help = "Sendet als Test-Onlinedienst einen Hundesteuer-Antrag über FIT-Connect an einen Zustellpunkt."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--destination", help="destinationId (Standard: der erste aktive Zustellpunkt)")
        parser.add_argument("--sender-id", default="demo-efa-onlinedienst")
        parser.add_argument("--sender-secret", default="demo-sender-secret-nur-fuer-den-lokalen-testdienst")
        parser.add_argument(
            "--plz", default="48249", help="Postleitzahl der antragstellenden Person (Standard: Dülmen)"
        )
        parser.add_argument("--email", default="erika.mustermann@example.org", help="Rückkanal E-Mail")
        parser.add_argument(
            "--wait", type=float, default=90.0, help="Sekunden, die auf die Antwort gewartet wird"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        destinations = Destination.objects.filter(active=True, destination_id__isnull=False)
        if options["destination"]:
            destinations = destinations.filter(destination_id=options["destination"])
        destination = destinations.order_by("pk").first()
        if destination is None:
            raise CommandError("Kein aktiver FIT-Connect-Zustellpunkt gefunden.")
        version = (
            FormVersion.objects.filter(
                form__key=examples.HUNDESTEUER_FORM, status=FormVersion.Status.PUBLISHED
            )
            .select_related("form__service")
            .order_by("-published_at")
            .first()
        )
        if version is None or version.form.service is None:
            raise CommandError("Das Demo-Formular „Anmeldung zur Hundesteuer“ ist nicht veröffentlicht.")
        base = destination.submission_api_url.rstrip("/")
        api = sender.sender_api(base, destination.token_url, options["sender_id"], options["sender_secret"])
        try:
            sent = sender.send(
                api,
                destination_id=str(destination.destination_id),
                leika_key=version.form.service.leika_key,
                service_name=version.form.title,
                schema_uri=schema_uri_for(version),
                data=examples.hundesteuer(plz=options["plz"]),
                attachments=[sender.SampleAttachment(examples.PDF, filename="Heimtierausweis.pdf")],
                reply_email=options["email"],
            )
        except PartnerError as error:
            raise CommandError(f"Senden fehlgeschlagen: {error}") from error
        self.stdout.write(
            f"Eingereicht: submissionId {sent.submission_id}, caseId {sent.case_id}. Warte auf die Antwort …"
        )
        found = sender.wait_for_outcome(api, sent, str(destination.destination_id), seconds=options["wait"])
        if found is None:
            raise CommandError(
                "Noch keine Antwort des Zustellpunkts. Läuft der Hintergrundprozess (amtsweg worker)?"
            )
        if found["event"] == "accept-submission":
            self.stdout.write(
                self.style.SUCCESS("Der Zustellpunkt hat die Einreichung angenommen (accept-submission).")
            )
        else:
            problems = "; ".join(
                p.get("detail", p.get("title", "")) for p in found["payload"].get("problems", [])
            )
            self.stdout.write(
                self.style.WARNING(f"Der Zustellpunkt hat die Einreichung abgelehnt: {problems}")
            )
