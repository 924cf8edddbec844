"""Benchmark of outbound events: delivery throughput and latency from the outbox to a local receiver.

Run with `make bench` (or `.venv/bin/python benchmarks/events.py`). Needs PostgreSQL: it drops and creates
the database named by BENCH_EVENTS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/
amtsweg_events_bench; the name must contain "bench") and migrates it. It starts the local event receiver
(`amtsweg event-receiver`, a second process that checks every signature and the CloudEvents schema) and
BENCH_EVENT_WORKERS real workers (`amtsweg worker`, default 2 = cores). Then:

1. **Throughput**: BENCH_EVENTS events (default 2000) of one authority with one subscription are stored
   through the real outbox (`events.emit.event_publish`: CloudEvent built and validated, delivery row and
   task in one transaction) while no worker runs; then the workers start and the time until the receiver has
   accepted all of them is measured (events/s).
2. **Latency**: with the workers running and idle, 200 events are published one by one (20 per second); the
   time from the event's commit to its acceptance by the receiver is measured (p50/p95/max). A worker that
   finds the queue empty sleeps `--interval` (1 s) – that pause dominates the latency.
3. **Baseline**: the same signed CloudEvents posted straight to the receiver from one process, one after
   the other (no database, no queue, no worker): what HTTP, signing and the receiver's checks cost alone.

Results go to docs/performance.md (section "events").
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import harness

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/amtsweg_events_bench"
LATENCY_EVENTS = 200
LATENCY_RATE = 20.0


def _received(base: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(f"{base}/ereignisse", timeout=30) as answer:
        data = json.loads(answer.read())
    if data["abgelehnt"]:
        harness.fail(f"Der Empfänger hat Ereignisse abgelehnt: {data['abgelehnt'][:1]}")
    return list(data["empfangen"])


def _wait_for(base: str, count: int, timeout: float) -> list[dict[str, object]]:
    deadline = time.monotonic() + timeout
    while True:
        received = _received(base)
        if len(received) >= count:
            return received
        if time.monotonic() > deadline:
            harness.fail(
                f"Nach {timeout:.0f} s sind erst {len(received)} von {count} Ereignissen angekommen."
            )
        time.sleep(0.2)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    database_url = os.environ.get("BENCH_EVENTS_DATABASE_URL", DEFAULT_URL)
    total = int(os.environ.get("BENCH_EVENTS", "2000"))
    workers = int(os.environ.get("BENCH_EVENT_WORKERS", "2"))
    data_dir = tempfile.mkdtemp(prefix="amtsweg-events-bench-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "AMTSWEG_DATA_DIR": data_dir,
        "AMTSWEG_ENVIRONMENT": "development",
        "STATIC_MANIFEST": "false",
        "AMTSWEG_LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    print("Vorbereitung:")
    harness.recreate_database(database_url)
    harness.run_amtsweg(env, "migrate", "--noinput")

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtsweg.settings")
    django.setup()
    from django.db import connection, transaction

    from amtsweg.core.actors import Actor
    from amtsweg.events import services
    from amtsweg.events.delivery import body_of
    from amtsweg.events.emit import event_publish
    from amtsweg.events.models import Delivery, EventType, Subscription
    from amtsweg.events.signing import signature_headers
    from amtsweg.tenants.models import Authority

    authority = Authority.objects.create(
        name="Stadt Dülmen", short_name="Dülmen", slug="duelmen", kind="stadt", ags="05558016"
    )
    port = harness.free_port()
    subscription = Subscription(
        authority=authority, name="Benchmark", url=f"http://127.0.0.1:{port}/ereignisse"
    )
    secret = services.subscription_save(actor=Actor.system("bench"), subscription=subscription)
    receiver_base = f"http://127.0.0.1:{port}"
    receiver = subprocess.Popen(
        [*harness.amtsweg_command(), "event-receiver", "--port", str(port), "--secret", secret],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    worker_processes: list[subprocess.Popen[bytes]] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _received(receiver_base)
                break
            except OSError:
                if time.monotonic() > deadline:
                    harness.fail("Der Empfänger startet nicht.")
                time.sleep(0.2)

        def publish(number: int) -> None:
            with transaction.atomic():
                event_publish(
                    type=EventType.STATUS_CHANGED,
                    authority=authority,
                    subject=f"A-2026-{number:06d}",
                    data={"aktenzeichen": f"A-2026-{number:06d}", "status": "in_pruefung"},
                )

        # 1. throughput: a backlog drained by the workers
        started = time.perf_counter()
        for number in range(total):
            publish(number)
        outbox_seconds = time.perf_counter() - started
        connection.close()
        print(f"  {total} Ereignisse in den Ausgang gelegt ({total / outbox_seconds:.0f}/s)")
        started = time.perf_counter()
        for index in range(workers):
            worker_processes.append(
                subprocess.Popen(
                    [*harness.amtsweg_command(), "worker", "--no-schedule", "--worker-id", f"bench-{index}"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                )
            )
        _wait_for(receiver_base, total, timeout=1800)
        drain_seconds = time.perf_counter() - started
        throughput = total / drain_seconds
        print(f"  zugestellt: {throughput:.0f} Ereignisse/s")

        # 2. latency with idle workers
        time.sleep(3)
        before = len(_received(receiver_base))
        published: dict[str, float] = {}
        for number in range(LATENCY_EVENTS):
            subject = f"L-2026-{number:06d}"
            with transaction.atomic():
                event_publish(
                    type=EventType.STATUS_CHANGED,
                    authority=authority,
                    subject=subject,
                    data={"aktenzeichen": subject, "status": "entschieden"},
                )
            published[subject] = time.time()
            time.sleep(1 / LATENCY_RATE)
        received = _wait_for(receiver_base, before + LATENCY_EVENTS, timeout=300)
        latencies = [
            (float(entry["received_at"]) - published[str(entry["event"]["subject"])]) * 1000  # type: ignore[index]
            for entry in received
            if str(entry["event"]["subject"]).startswith("L-")  # type: ignore[index]
        ]
        delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
        attempts = sum(Delivery.objects.values_list("attempts", flat=True))

        # 3. baseline: straight signed POSTs, no database or worker
        import requests

        from amtsweg.events.cloudevents import CONTENT_TYPE, event_build

        session = requests.Session()
        baseline_count = 500
        baseline_latency: list[float] = []
        started = time.perf_counter()
        for number in range(baseline_count):
            envelope = event_build(
                type=EventType.STATUS_CHANGED,
                source="https://bench.example/behoerden/05558016",
                subject=f"B-{number}",
                data={"status": "in_pruefung"},
                time=dt.datetime.now(dt.UTC),
            )
            body = body_of(envelope)
            one = time.perf_counter()
            answer = session.post(
                f"{receiver_base}/ereignisse",
                data=body,
                headers={"Content-Type": CONTENT_TYPE, **signature_headers(secret, envelope["id"], body)},
                timeout=10,
            )
            baseline_latency.append((time.perf_counter() - one) * 1000)
            if answer.status_code != 204:
                harness.fail(f"Grundlinie: Antwort {answer.status_code}")
        baseline_rate = baseline_count / (time.perf_counter() - started)
    finally:
        for process in [*worker_processes, receiver]:
            process.terminate()
        for process in [*worker_processes, receiver]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        connection.close()

    facts = harness.machine()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    base_p50 = statistics.median(baseline_latency)
    base_p95 = _quantile(baseline_latency, 0.95)
    rows = "\n".join(
        [
            "| Baseline: signed POST straight to the receiver (1 process, no queue) "
            f"| {baseline_count} | {baseline_rate:.0f} | {base_p50:.1f} | {base_p95:.1f} "
            f"| {max(baseline_latency):.1f} | 1.00 × |",
            "| Outbox: `event_publish` (CloudEvent validated, delivery + task stored) "
            f"| {total} | {total / outbox_seconds:.0f} | – | – | – | – |",
            f"| Delivery of a backlog by {workers} workers (`amtsweg worker`) "
            f"| {total} | {throughput:.0f} | – | – | – | {throughput / baseline_rate:.2f} × |",
            f"| Latency commit → accepted by the receiver, idle workers, {LATENCY_RATE:.0f} events/s "
            f"| {LATENCY_EVENTS} | – | {statistics.median(latencies):.0f} | {_quantile(latencies, 0.95):.0f} "
            f"| {max(latencies):.0f} | – |",
        ]
    )
    markdown = f"""
## Outbound events (`benchmarks/events.py`)

Measured {now} by `make bench` on {facts["cpu"]}, **{facts["cores"]} cores**, {facts["memory"]},
{facts["system"]}, Python {facts["python"]}, PostgreSQL; load average {load:.2f} when the run started.

| Measurement | Events | Events/s | p50 ms | p95 ms | max ms | vs. baseline |
|---|---:|---:|---:|---:|---:|---:|
{rows}

All {delivered} deliveries were accepted ({attempts} attempts in all); the receiver rejected none (each
signature and each event checked against the CloudEvents schema).

**Method.** One authority, one subscription, the local event receiver (`amtsweg event-receiver`, a
threaded WSGI server from the standard library) as a second process on the same machine; the workers, the
receiver, PostgreSQL and the publishing process **share the cores**, so all figures are lower bounds. The
backlog is stored first and drained by {workers} workers that each take one task at a time
(`SELECT … FOR UPDATE SKIP LOCKED`), sign and POST it and record the attempt. The latency runs publish one
event every {1000 / LATENCY_RATE:.0f} ms to idle workers: an idle worker looks for new tasks once a second
(`amtsweg worker --interval 1`), so the median latency is about half of that pause plus the delivery itself.

**Baseline.** The same signed CloudEvents posted by one process straight to the same receiver over a
kept-alive connection: HTTP, HMAC and the receiver's checks alone. "vs. baseline" divides the workers'
throughput by it – what the durable outbox, the task queue and the delivery log cost per event.
"""
    harness.write_section("events", markdown)
    print(markdown)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
