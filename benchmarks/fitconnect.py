"""Benchmark of receiving through FIT-Connect: submissions per second end to end (fetch, decrypt, check,
intake, accept event) against the local test service, with the intake of the same form in the same run
as the baseline.

Run with `make bench` (or `.venv/bin/python benchmarks/fitconnect.py`). Needs PostgreSQL: it drops and
creates the database named by BENCH_FITCONNECT_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/amtsweg_fitconnect_bench; the name must contain "bench"), migrates it and
loads the demo data. Then:

1. **Baseline: intake of the same form** – BENCH_FITCONNECT_COUNT applications "Anmeldung zur Hundesteuer"
   (one dog, one PDF) through `submissions.services.submission_create`, the intake the portal and the API
   share (validation, routing, submission, attachment, case, follow-up task, audit entry – one transaction).
2. **FIT-Connect** – the same number of the same applications, sent beforehand by a test online service to the
   local test service (`python -m amtsweg.fitconnect.testservice`, a second process; sending is not
   measured), then received by Amtsweg one after the other as the worker does: one poll, then per
   submission `inbound_receive` (fetch the submission and the attachment over HTTP, decrypt metadata, data
   and attachment – RSA-4096 OAEP + AES-GCM –, check the metadata schema and both SHA-512 hashes, the same
   intake as 1.) and `inbound_event_send` (sign the accept SET with PS512 and post it).

One process, one submission at a time, so the ratio shows what FIT-Connect adds to one intake. Results go
to docs/performance.md (section "fitconnect").
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsweg.settings")
DATABASE_URL = os.environ.get(
    "BENCH_FITCONNECT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amtsweg_fitconnect_bench"
)
COUNT = int(os.environ.get("BENCH_FITCONNECT_COUNT", "60"))

import harness  # noqa: E402 - benchmarks/harness.py, next to this file


def main() -> None:
    harness.recreate_database(DATABASE_URL)
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("AMTSWEG_MAILS_PER_CLIENT", "0")
    import django

    django.setup()
    from django.core.management import call_command

    print("Datenbank und Demodaten …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    from amtsweg.demo.loader import load_demo

    load_demo()
    try:
        figures = measure()
    finally:
        from django.db import connections

        connections.close_all()
        harness.drop_database(DATABASE_URL)
    report(figures)


def measure() -> dict[str, float]:
    import requests

    from amtsweg.fitconnect import crypto
    from amtsweg.fitconnect.checks import schema_uri_for
    from amtsweg.fitconnect.models import Destination, DestinationKey
    from amtsweg.fitconnect.services import destination_poll, inbound_event_send, inbound_receive
    from amtsweg.fitconnect.testservice import examples, sender
    from amtsweg.fitconnect.testservice.setup import local_service_setup
    from amtsweg.forms.models import FormVersion
    from amtsweg.submissions.services import IncomingFile, submission_create
    from amtsweg.tenants.models import Authority

    version = (
        FormVersion.objects.filter(form__key=examples.HUNDESTEUER_FORM, status=FormVersion.Status.PUBLISHED)
        .select_related("form__service")
        .order_by("-published_at")
        .first()
    )
    assert version is not None
    dulmen = Authority.objects.get(ags="05558016")

    print(f"Grundlinie: {COUNT} Anträge direkt in die Annahme …", flush=True)
    baseline = []
    for _ in range(COUNT):
        started = time.perf_counter()
        submission_create(
            form_version=version,
            data=examples.hundesteuer(),
            applicant=None,
            municipality=dulmen,
            idempotency_key=f"bench:{uuid.uuid4()}",
            files=[IncomingFile(str(uuid.uuid4()), "Heimtierausweis.pdf", "application/pdf", examples.PDF)],
            source="bench",
        )
        baseline.append(time.perf_counter() - started)

    process = subprocess.Popen(
        [sys.executable, "-m", "amtsweg.fitconnect.testservice", "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().split()[1]
        kreis = Authority.objects.get(slug="kreis-coesfeld")
        destination = Destination.objects.create(
            authority=kreis,
            name="Benchmark",
            destination_id=uuid.uuid4(),
            submission_api_url=base,
            token_url=base + "/token",
            client_id="bench-abruf",
            client_secret_sealed=crypto.seal("bench"),
        )
        for purpose in ("encryption", "signing"):
            pair = crypto.key_pair_generate(purpose)
            DestinationKey.objects.create(
                destination=destination,
                kid=pair.kid,
                purpose=purpose,
                public_jwk=pair.public,
                private_jwk_sealed=crypto.seal(pair.private_json),
            )
        setup = local_service_setup(base, sender_id="bench-sender", sender_secret="bench")  # noqa: S106
        requests.post(base + "/_test/setup", json=setup, timeout=30).raise_for_status()
        api = sender.sender_api(base, base + "/token", "bench-sender", "bench")
        print(f"FIT-Connect: {COUNT} Einreichungen an den Testdienst senden (nicht gemessen) …", flush=True)
        for _ in range(COUNT):
            sender.send(
                api,
                destination_id=str(destination.destination_id),
                leika_key=version.form.service.leika_key,
                service_name="Hundesteuer",
                schema_uri=schema_uri_for(version),
                data=examples.hundesteuer(),
                attachments=[sender.SampleAttachment(examples.PDF, filename="Heimtierausweis.pdf")],
                reply_email="erika.mustermann@example.org",
            )
        print("FIT-Connect: empfangen, prüfen, annehmen …", flush=True)
        started = time.perf_counter()
        announced = destination_poll(destination)
        poll_seconds = time.perf_counter() - started
        per_submission = []
        receive_only = []
        for inbound in announced:
            one = time.perf_counter()
            received = inbound_receive(inbound.pk)
            receive_only.append(time.perf_counter() - one)
            inbound_event_send(received.pk)
            per_submission.append(time.perf_counter() - one)
            assert received.status == "accepted", received.problems
        total = time.perf_counter() - started
        violations = requests.get(base + "/_test/violations", timeout=10).json()["violations"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert len(announced) == COUNT
    return {
        "count": COUNT,
        "baseline_rate": COUNT / sum(baseline),
        "baseline_p50_ms": statistics.median(baseline) * 1000,
        "fit_rate": COUNT / total,
        "fit_p50_ms": statistics.median(per_submission) * 1000,
        "receive_p50_ms": statistics.median(receive_only) * 1000,
        "poll_ms": poll_seconds * 1000,
        "violations": len(violations),
    }


def _load_note(load: float) -> str:
    if load >= 2.5:
        return (
            " – the machine was shared with other work, so absolute figures are low and noisy; the ratio is"
            " what to compare"
        )
    return " (the benchmark's own processes: Amtsweg and the test service)"


def report(f: dict[str, float]) -> None:
    info = harness.machine()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    ratio = f["baseline_rate"] / f["fit_rate"] if f["fit_rate"] else 0.0
    n = int(f["count"])
    rows = [
        f'| {n} applications "Anmeldung zur Hundesteuer" (one dog, one PDF) '
        "| per second | p50 ms | vs. baseline |",
        "|---|---:|---:|---:|",
        "| Baseline: intake of the same form (`submission_create`, as portal and API) "
        f"| {f['baseline_rate']:.1f} | {f['baseline_p50_ms']:.0f} | 1.0 × |",
        "| FIT-Connect end to end (fetch, decrypt, check, intake, signed accept event) "
        f"| {f['fit_rate']:.1f} | {f['fit_p50_ms']:.0f} | {ratio:.1f} × slower |",
        "| of which fetch, decrypt, check and intake (without the event) "
        f"| – | {f['receive_p50_ms']:.0f} | – |",
    ]
    table = "\n".join(rows)
    markdown = f"""
## Receiving through FIT-Connect (`benchmarks/fitconnect.py`)

Measured {now} on {info["cpu"]}, **{info["cores"]} cores**, {info["memory"]}, {info["system"]},
Python {info["python"]}, PostgreSQL; one process, one submission at a time; load average {load:.1f} when the
run ended{_load_note(load)}.

{table}

One poll for all {n} waiting submissions took {f["poll_ms"]:.0f} ms. OpenAPI violations seen by the test
service during the run: {int(f["violations"])}.

**Method.** The test online service sends all applications to the local test service first (not measured).
Amtsweg then polls once and takes each submission in as its worker would (`inbound_receive`, then
`inbound_event_send`): two HTTP requests to fetch (submission, attachment), three RSA-4096 decryptions
(metadata, data, attachment), the metadata JSON Schema and two SHA-512 checks, the same intake transaction
as the baseline, a PS512 signature and one HTTP request for the event. The test service runs in its own
process on the same machine and validates every request and response against the OpenAPI document, which
costs time on its side as well. Reproduce with `make bench` or `.venv/bin/python benchmarks/fitconnect.py`
(`BENCH_FITCONNECT_COUNT` sets the number).
"""
    harness.write_section("fitconnect", markdown)
    print(markdown)


if __name__ == "__main__":
    main()
