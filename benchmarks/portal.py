"""Benchmark of the citizen portal: service page and search under concurrent load, against a minimal view.

Run with `make bench`. It creates a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/amtsweg_bench), migrates it, loads the demo data, builds the search
index with the real worker, collects static files into a temporary folder and starts the real server
(`amtsweg serve`: gunicorn, 2 worker processes). Then, for each page, a warm-up and a measurement with
BENCH_CLIENTS concurrent clients for BENCH_DURATION seconds. The baseline is /health/: a Django view that
returns "ok" through the full middleware stack, served by the same server in the same run, so the ratio
shows what the page's own work (queries, templates) costs. Results go to docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import gunicorn

import harness
import loadgen

WORKERS = 2
WARMUP_SECONDS = 3.0
SINGLE_CLIENT_SECONDS = 5.0
SERVICE_LEIKA = "99012070006001"  # Baugenehmigung: Dülmen decides itself, the other towns go to the Kreis
MUNICIPALITY = "duelmen"
SEARCH_QUERY = "Bauantrag"


def _prepare(env: dict[str, str], database_url: str) -> str:
    """Fresh database with the demo data and search index; returns the Baugenehmigung slug."""
    print("Vorbereitung:")
    harness.recreate_database(database_url)
    harness.run_amtsweg(env, "migrate", "--noinput")
    harness.run_amtsweg(env, "load-demo")
    harness.run_amtsweg(env, "worker", "--batch")
    harness.run_amtsweg(env, "collectstatic", "--noinput")
    row = harness.query_one(
        database_url,
        "SELECT slug FROM catalog_service WHERE is_published AND (leika_key = %s OR name ILIKE %s) "
        "ORDER BY leika_key = %s DESC, name LIMIT 1",
        SERVICE_LEIKA,
        "Baugenehmigung%",
        SERVICE_LEIKA,
    )
    if row is None:
        harness.fail("Die Demodaten enthalten keine Baugenehmigung.")
    return str(row[0])


def _postgres_version(database_url: str) -> str:
    row = harness.query_one(database_url, "SHOW server_version")
    return str(row[0]).split()[0] if row else "?"


def _check_pages(port: int, pages: list[tuple[str, str, str]]) -> None:
    """Measure real pages, not error pages: each must answer 200 with the content a citizen expects."""
    for name, path, expected in pages:
        status, body = harness.fetch(port, path)
        if status != 200 or expected not in body:
            harness.fail(f"{name} ({path}) antwortet mit {status} und ohne „{expected}“.")


def _table(results: list[loadgen.Result], single: dict[str, loadgen.Result], baseline: loadgen.Result) -> str:
    lines = [
        "| Page | Path | Requests/s | p50 ms | p99 ms | Errors | Throughput vs. baseline "
        "| p50 vs. baseline | p50 ms, 1 client |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.name} | `{result.path}` | {result.per_second:.0f} "
            f"| {result.p50:.1f} | {result.p99:.1f} | {result.errors} "
            f"| {result.per_second / baseline.per_second:.2f} × "
            f"| {result.p50 / baseline.p50:.1f} × | {single[result.name].p50:.1f} |"
        )
    return "\n".join(lines)


def _report(
    results: list[loadgen.Result],
    single: dict[str, loadgen.Result],
    baseline: loadgen.Result,
    clients: int,
    duration: float,
    pg_version: str,
    load_before: float,
) -> str:
    machine = harness.machine()
    today = dt.datetime.now(dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return f"""
## Citizen portal (`benchmarks/portal.py`)

Measured {today} by `make bench` on {machine["cpu"]}, **{machine["cores"]} cores**, {machine["memory"]},
{machine["system"]}, Python {machine["python"]}, PostgreSQL {pg_version}, gunicorn {gunicorn.__version__};
load average {load_before:.2f} when the run started (other work on the machine skews the figures).

{_table(results, single, baseline)}

**Method.** The real server as in production: `amtsweg serve --workers {WORKERS}` (gunicorn, sync
workers, no access log), `DEBUG` off, hashed static files, PostgreSQL on the same machine, the full demo
catalogue with its search index. A closed-loop load generator (`benchmarks/loadgen.py`, Python threads
and `http.client`) keeps {clients} requests in flight for {duration:.0f} s per page after a
{WARMUP_SECONDS:.0f} s warm-up. gunicorn's sync workers close each connection, so every request opens a
new one, as behind a proxy without upstream keep-alive (each client thread connects from its own
loopback address, so that the closed sockets do not exhaust the local ports). The load generator
**shares the {machine["cores"]} cores with the server and the database**, so all figures are lower
bounds; latency includes the time a request waits for a free worker. Only answers with status 200
count; "Errors" are all others. The last column is the median with a single client
({SINGLE_CLIENT_SECONDS:.0f} s per page): the time one request takes on an idle server.

**Baseline.** `/health/`: a Django view returning "ok" through the complete middleware stack (sessions,
CSRF, locale, CSP, whitenoise), served by the same server in the same run. "Throughput vs. baseline" is the
page's requests/s divided by the baseline's; "p50 vs. baseline" the ratio of median latencies. They show what
a page's own work (database queries, responsibility resolution, search, template rendering) costs on top of
Django itself.
"""


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    duration = float(os.environ.get("BENCH_DURATION", "20"))
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "AMTSWEG_ENVIRONMENT": "development",
            "DEBUG": "false",
            "STATIC_MANIFEST": "true",
            "AMTSWEG_DATA_DIR": tmp,
            "STATIC_ROOT": str(Path(tmp) / "static"),
            "LOG_LEVEL": "WARNING",
        }
        slug = _prepare(env, database_url)
        pg_version = _postgres_version(database_url)
        port = harness.free_port()
        pages = [
            ("Baseline: minimal view", "/health/", "ok"),
            ("Service page with responsibility", f"/leistungen/{slug}/?gemeinde={MUNICIPALITY}", "Dülmen"),
            ("Search", f"/suche/?q={SEARCH_QUERY}", f"/leistungen/{slug}/"),
        ]
        results: list[loadgen.Result] = []
        single: dict[str, loadgen.Result] = {}
        with harness.server(env, port, WORKERS):
            _check_pages(port, pages)
            print(
                f"\nMessung: {clients} Clients, je Seite {WARMUP_SECONDS:.0f} s Aufwärmen + {duration:.0f} s"
            )
            for name, path, _ in pages:
                result = loadgen.run(
                    name, "127.0.0.1", port, path, clients=clients, seconds=duration, warmup=WARMUP_SECONDS
                )
                print(
                    f"  {name}: {result.per_second:.0f}/s, p50 {result.p50:.1f} ms, p99 {result.p99:.1f} ms"
                )
                results.append(result)
            print(f"Ein Client, je Seite {SINGLE_CLIENT_SECONDS:.0f} s:")
            for name, path, _ in pages:
                single[name] = loadgen.run(
                    name, "127.0.0.1", port, path, clients=1, seconds=SINGLE_CLIENT_SECONDS
                )
                print(f"  {name}: p50 {single[name].p50:.1f} ms")
        harness.drop_database(database_url)
    baseline = results[0]
    for result in [*results, *single.values()]:
        for kind, count in result.error_kinds.most_common(3):
            print(f"  Fehler bei {result.name}: {count} × {kind}")
    if any(result.requests == 0 for result in [*results, *single.values()]):
        harness.fail("Eine Seite hat keine einzige Anfrage erfolgreich beantwortet.")
    print()
    print(_table(results, single, baseline))
    harness.write_section(
        "portal", _report(results, single, baseline, clients, duration, pg_version, load_before)
    )
    doc = harness.PERFORMANCE_DOC.relative_to(harness.ROOT)
    print(f"\n{doc} aktualisiert ({time.perf_counter() - started:.0f} s).")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.CalledProcessError as error:
        harness.fail(str(error))
