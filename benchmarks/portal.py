"""Benchmark of the citizen portal: start page, service page and search under load, against a minimal view.

Run with `make bench`. It creates a fresh PostgreSQL database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/amtsweg_bench), migrates it, loads the demo data, builds the search
index with the real worker, collects static files into a temporary folder and starts the real server
(`amtsweg serve`: gunicorn, 2 worker processes). Then, for each page, a warm-up and a measurement with
BENCH_CLIENTS concurrent clients for BENCH_DURATION seconds. The baseline is /health/: a Django view that
returns "ok" through the full middleware stack, served by the same server in the same run, so the ratio
shows what the page's own work (queries, templates) costs. Portal pages come from the page cache
(decision 0021): by default the shared Redis cache of production (BENCH_CACHE_URL, default
redis://127.0.0.1:6379/15; empty: the embedded default, local memory with the version in the database).
A new search query, never asked before, cannot come from the cache: its latency is measured with one
client and queries that are all different. Results go to docs/performance.md.
"""

from __future__ import annotations

import datetime as dt
import http.client
import itertools
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
NEW_QUERIES = 300
# New search queries: every combination is asked once (a word of the catalogue, a town or a detail).
_WORDS = (
    "Bauantrag",
    "Personalausweis",
    "Wohngeld",
    "Hund anmelden",
    "Führerschein",
    "Kfz Zulassung",
    "Elterngeld",
    "Gewerbe anmelden",
    "Baugenehmigung",
    "Reisepass",
    "Kindergeld",
    "Umzug",
    "Müllabfuhr",
    "Parkausweis",
    "Eheschließung",
    "Geburtsurkunde",
    "Fischereischein",
    "Waffenschein",
    "Sperrmüll",
    "Schwerbehindertenausweis",
    "Bafög",
    "Einbürgerung",
    "Wohnberechtigungsschein",
    "Grundsteuer",
    "Hundesteuer",
)
_DETAILS = (
    "Dülmen",
    "Coesfeld",
    "Senden",
    "Lüdinghausen",
    "Nottuln",
    "Havixbeck",
    "Billerbeck",
    "Rosendahl",
    "Olfen",
    "Nordkirchen",
    "Ascheberg",
    "beantragen",
    "Kosten",
)
TARGETS = {
    "Start page": 0.6,
    "Service page with responsibility": 0.6,
    "Search, repeated query": 0.5,
}
NEW_QUERY_P95_TARGET_MS = 30.0
IDLE_TARGET_MS = 5.0


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


def _new_queries(port: int) -> loadgen.Result:
    """One client, every query new: the search itself runs (index, ranking, responsibility, template)."""
    from urllib.parse import quote

    queries = [f"{word} {detail}" for word, detail in itertools.product(_WORDS, _DETAILS)][:NEW_QUERIES]
    result = loadgen.Result("Search, new query", "/suche/?q=…", 0.0)
    started = time.perf_counter()
    for query in queries:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        begun = time.perf_counter()
        connection.request("GET", f"/suche/?q={quote(query)}", headers={"Accept-Language": "de"})
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - begun
        connection.close()
        if response.status == 200:
            result.latencies.append(elapsed)
        else:
            result.errors += 1
            result.error_kinds[f"HTTP {response.status}"] += 1
    result.seconds = time.perf_counter() - started
    return result


def _table(results: list[loadgen.Result], single: dict[str, loadgen.Result], baseline: loadgen.Result) -> str:
    lines = [
        "| Page | Path | Requests/s | p50 ms | p99 ms | Errors | Throughput vs. baseline "
        "| Target | p50 vs. baseline | p50 ms, 1 client |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        target = TARGETS.get(result.name)
        ratio = result.per_second / baseline.per_second
        verdict = "" if target is None else f"≥ {target:.1f} × {'✓' if ratio >= target else '✗'}"
        lines.append(
            f"| {result.name} | `{result.path}` | {result.per_second:.0f} "
            f"| {result.p50:.1f} | {result.p99:.1f} | {result.errors} "
            f"| {ratio:.2f} × | {verdict} "
            f"| {result.p50 / baseline.p50:.1f} × | {single[result.name].p50:.1f} |"
        )
    return "\n".join(lines)


def _new_query_line(new: loadgen.Result) -> str:
    p95 = new.percentile(0.95)
    verdict = "✓" if p95 <= NEW_QUERY_P95_TARGET_MS else "✗"
    return (
        f"**New search query** (not in the cache; {new.requests} different queries such as "
        f"„{_WORDS[0]} {_DETAILS[0]}“, one client, one after the other): p50 {new.p50:.1f} ms, "
        f"**p95 {p95:.1f} ms** (target ≤ {NEW_QUERY_P95_TARGET_MS:.0f} ms {verdict}), "
        f"p99 {new.p99:.1f} ms, {new.errors} errors."
    )


def _idle_line(single: dict[str, loadgen.Result]) -> str:
    cached = [name for name in TARGETS if name in single]
    worst = max(single[name].p50 for name in cached)
    verdict = "✓" if worst <= IDLE_TARGET_MS else "✗"
    return (
        f"**One request on an idle server** (cached pages, median of one client): at most {worst:.1f} ms "
        f"(target ≤ {IDLE_TARGET_MS:.0f} ms {verdict}); "
        f"`/health/` {single['Baseline: minimal view'].p50:.1f} ms."
    )


def _load_note(load: float) -> str:
    """Whether the machine was busy: on 2 cores a load above about 1.5 means other work shared them."""
    return " (other work on the machine skews the figures)" if load >= 1.5 else " (an idle machine)"


def _report(
    results: list[loadgen.Result],
    single: dict[str, loadgen.Result],
    new: loadgen.Result,
    cache_url: str,
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
load average {load_before:.2f} when the run started{_load_note(load_before)};
page cache: {_cache_label(cache_url)}.

{_table(results, single, baseline)}

{_new_query_line(new)}

{_idle_line(single)}

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


def _cache_label(cache_url: str) -> str:
    if cache_url:
        return f"Redis (`AMTSWEG_CACHE_URL={cache_url}`), shared by both worker processes"
    return "local memory of each worker process, catalogue version from the database (embedded default)"


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    duration = float(os.environ.get("BENCH_DURATION", "20"))
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    cache_url = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
        env = {
            **os.environ,
            "AMTSWEG_ASSISTANT_VECTOR_CACHE": "",  # measured as configured by default: no disk cache
            "DATABASE_URL": database_url,
            "AMTSWEG_ENVIRONMENT": "development",
            "DEBUG": "false",
            "STATIC_MANIFEST": "true",
            "AMTSWEG_DATA_DIR": tmp,
            "STATIC_ROOT": str(Path(tmp) / "static"),
            "LOG_LEVEL": "WARNING",
            "AMTSWEG_CACHE_URL": cache_url,
        }
        slug = _prepare(env, database_url)
        pg_version = _postgres_version(database_url)
        port = harness.free_port()
        pages = [
            ("Baseline: minimal view", "/health/", "ok"),
            ("Start page", "/", "Was möchten Sie erledigen?"),
            ("Service page with responsibility", f"/leistungen/{slug}/?gemeinde={MUNICIPALITY}", "Dülmen"),
            ("Search, repeated query", f"/suche/?q={SEARCH_QUERY}", f"/leistungen/{slug}/"),
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
            new = _new_queries(port)
            print(f"Neue Suchanfragen: p50 {new.p50:.1f} ms, p95 {new.percentile(0.95):.1f} ms")
        harness.drop_database(database_url)
    baseline = results[0]
    for result in [*results, *single.values(), new]:
        for kind, count in result.error_kinds.most_common(3):
            print(f"  Fehler bei {result.name}: {count} × {kind}")
    if any(result.requests == 0 for result in [*results, *single.values(), new]):
        harness.fail("Eine Seite hat keine einzige Anfrage erfolgreich beantwortet.")
    print()
    print(_table(results, single, baseline))
    print(_new_query_line(new))
    print(_idle_line(single))
    harness.write_section(
        "portal",
        _report(results, single, new, cache_url, baseline, clients, duration, pg_version, load_before),
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
