"""Benchmark of the caseworker's inbox, the case page and the jobs over all cases, with 10,000,000 cases
across 31 Kreise and 396 towns (a Land the size of NRW).

Run with `make bench` (or `.venv/bin/python benchmarks/inbox.py [--cases 1000000]`). Needs PostgreSQL:
BENCH_INBOX_DATABASE_URL names the database, which is **dropped and created again** (its name must contain
"bench"), e.g. `BENCH_INBOX_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amtsweg_inbox_bench` (`make bench`
sets this default). Without it the script says so and stops.

1. **Data**: migrate and load the demo data once (kept as the template database "<name>_demo"), copy the
   Kreis and its towns to 31 Kreise and 396 towns with their org units, then generate `--cases` (default
   BENCH_CASES, 10,000,000) applications and their cases in SQL: one `INSERT … SELECT generate_series` per
   table into tables without indexes, then the indexes and keys are built once, `VACUUM ANALYZE`. A few
   authorities get many cases, most few; received over three years; the last 90 days open. A database that
   already holds a completed generation of the same size is reused (only `migrate` runs);
   BENCH_REGENERATE=1 forces a new one. 10 M cases take about 15 GB and 20–40 minutes on 2 cores.
2. **Pages**, as a caseworker (Sachbearbeitung) of the org unit with the most open cases, with Django's
   test client in this process: the inbox's first page, filters (status, service, overdue, due soon,
   assigned to me, all by receipt), deep pages through the keyset cursor, a search by reference prefix and
   a case page; BENCH_ROUNDS requests each (default 200) after a warm-up; p50/p95 and the process's CPU time.
   Each page's queries on the case and application tables are planned (`EXPLAIN`); the plans are compared
   with the run at the other size (kept in BENCH_DATA_DIR).
3. **Jobs over all cases**, each in a fresh process with its changes rolled back: the retention job (dry
   run, and a run anonymising BENCH_RETENTION_SAMPLE due cases), the maturity dashboard, the cockpit and the
   Sachstandsbericht as PDF; time, peak memory (maxrss) and number of queries.

Results go to docs/performance.md (section "inbox").
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg

import harness

CASES = int(os.environ.get("BENCH_CASES", "10000000"))
KREISE = 31
TOWNS = 396
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "200"))
WARMUP = 10
DEEP_PAGE = 20
TARGET_P95_MS = 50.0
RETENTION_SAMPLE = int(os.environ.get("BENCH_RETENTION_SAMPLE", "1000"))

GENERATE_TENANTS_SQL = """
-- The demo brings one Kreis and its towns; the rest of the Land is copied from them: BENCH_KREISE Kreise
-- and BENCH_TOWNS towns in all, each with the org units of a demo authority of the same kind.
CREATE TEMP TABLE bench_new_kreis ON COMMIT DROP AS
    SELECT k
    FROM generate_series(1, %(kreise)s - (SELECT count(*) FROM tenants_authority WHERE kind = 'kreis')) k;
INSERT INTO tenants_authority (created_at, updated_at, name, short_name, slug, kind, designation, ags,
                               parent_id,
                               population, street, postcode, city, phone, email, website)
SELECT now(), now(), 'Kreis Bench ' || k, 'Bench ' || k, 'bench-kreis-' || k, 'kreis', '',
       '99' || lpad(k::text, 3, '0') || '000', NULL, 300000, '', '', '', '', '', ''
FROM bench_new_kreis;
CREATE TEMP TABLE bench_kreis ON COMMIT DROP AS
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS k
    FROM tenants_authority WHERE slug LIKE 'bench-kreis-%%';
INSERT INTO tenants_authority (created_at, updated_at, name, short_name, slug, kind, designation, ags,
                               parent_id,
                               population, street, postcode, city, phone, email, website)
SELECT now(), now(), 'Gemeinde Bench ' || n, 'Bench-Ort ' || n, 'bench-ort-' || n, 'gemeinde', '',
       '99' || lpad((1 + (n - 1) %% (SELECT count(*) FROM bench_kreis))::text, 3, '0')
            || lpad((1 + (n - 1) / (SELECT count(*) FROM bench_kreis))::text, 3, '0'),
       kr.id, 20000, '', '', '', '', '', ''
FROM generate_series(1, %(towns)s - (SELECT count(*) FROM tenants_authority WHERE kind <> 'kreis')) n
JOIN bench_kreis kr ON kr.k = (n - 1) %% (SELECT count(*) FROM bench_kreis);
-- Org units: every new authority gets the units of one demo authority of its kind (same names, functions).
CREATE TEMP TABLE bench_template ON COMMIT DROP AS
    SELECT a.id, a.kind = 'kreis' AS is_kreis,
           row_number() OVER (PARTITION BY a.kind = 'kreis' ORDER BY a.id) - 1 AS k
    FROM tenants_authority a
    WHERE a.slug NOT LIKE 'bench-%%' AND EXISTS (SELECT 1 FROM tenants_orgunit u WHERE u.authority_id = a.id);
INSERT INTO tenants_orgunit (created_at, updated_at, authority_id, number, name, function, parent_id, phone,
                             email)
SELECT now(), now(), a.id, u.number, u.name, u.function, NULL, '', ''
FROM tenants_authority a
JOIN bench_template t ON t.is_kreis = (a.kind = 'kreis')
    AND t.k = a.id %% (SELECT count(*) FROM bench_template t2 WHERE t2.is_kreis = (a.kind = 'kreis'))
JOIN tenants_orgunit u ON u.authority_id = t.id
WHERE a.slug LIKE 'bench-%%';
"""

GENERATE_CASES_SQL = """
CREATE TEMP TABLE bench_auth ON COMMIT DROP AS
    SELECT a.id AS authority_id, a.kind, row_number() OVER (ORDER BY a.id) - 1 AS k
    FROM tenants_authority a WHERE EXISTS (SELECT 1 FROM tenants_orgunit u WHERE u.authority_id = a.id);
CREATE TEMP TABLE bench_unit ON COMMIT DROP AS
    SELECT u.authority_id, u.id AS org_unit_id,
           row_number() OVER (PARTITION BY u.authority_id ORDER BY u.id) - 1 AS k,
           count(*) OVER (PARTITION BY u.authority_id) AS n
    FROM tenants_orgunit u;
CREATE TEMP TABLE bench_form ON COMMIT DROP AS
    SELECT f.service_id, max(v.id) AS version_id, row_number() OVER (ORDER BY f.service_id) - 1 AS k
    FROM forms_form f JOIN forms_formversion v ON v.form_id = f.id
    WHERE f.service_id IS NOT NULL GROUP BY f.service_id;
CREATE TEMP TABLE bench_town ON COMMIT DROP AS
    SELECT id, coalesce(parent_id, id) AS kreis_id, row_number() OVER (ORDER BY id) - 1 AS k
    FROM tenants_authority WHERE kind <> 'kreis';
CREATE TEMP TABLE bench_n ON COMMIT DROP AS
    SELECT (SELECT count(*) FROM bench_auth) AS auth, (SELECT count(*) FROM bench_form) AS form,
           (SELECT count(*) FROM bench_town) AS town;
ANALYZE bench_auth; ANALYZE bench_unit; ANALYZE bench_form; ANALYZE bench_town;

-- Authorities get cases as towns get applications: a few large ones, many small ones (the share of the
-- k-th authority falls with 1/sqrt(k); the largest gets about 5 %%). Within an authority the cases are spread
-- evenly over its units. One row per case (closed cases keep their data for about three years: the oldest
-- day's cases are due for the retention job, as on any day of a running installation): authority by g,
-- unit by g within the authority, service by g; a Kreis's cases come
-- from the towns of the Kreis, a town's from the town itself.
INSERT INTO submissions_submission (
    id, reference, idempotency_key, form_version_id, service_id, applicant_id, applicant_name,
    applicant_email, municipality_id, authority_id, org_unit_id, data, channel, submitted_at, receipt_pdf,
    receipt_emailed_at, created_at, updated_at)
SELECT gen_random_uuid(), 'BN-' || lpad(g::text, 8, '0'), 'bench:' || g, f.version_id, f.service_id, NULL,
       (ARRAY['Jürgen','Anna','Özlem','Lukas','Marie','Björn','Sophie','Mehmet','Lena','Paul'])[1 + g %% 10]
       || ' ' ||
       (ARRAY['Müller','Schmidt','Schäfer','Weiß','Köhler','Brüggemann','Yılmaz','Hoffmann','Große','Lührmann',
              'Becker','Jansen','Kowalski'])[1 + (g / 10) %% 13],
       'person' || g || '@example.org', CASE WHEN a.kind = 'kreis' THEN t.id ELSE a.authority_id END,
       u.authority_id, u.org_unit_id, '{}'::jsonb, 'web',
       now() - (g %% 1095) * interval '1 day' - (g %% 86400) * interval '1 second', '', NULL, now(), now()
FROM bench_n, generate_series(1, %(cases)s) AS g
JOIN bench_auth a
    ON a.k = floor((SELECT auth FROM bench_n)
                   * power(((g * 2654435761::bigint) %% 4294967296)::float8 / 4294967296, 2))::bigint
JOIN bench_unit u ON u.authority_id = a.authority_id AND u.k = g %% u.n
JOIN bench_form f ON f.k = (g / 7) %% (SELECT form FROM bench_n)
JOIN bench_town t ON t.k = g %% (SELECT town FROM bench_n);

INSERT INTO cases_case (
    created_at, updated_at, reference, status_model, status, received_at, due_date, reply_due, fiction_due,
    decided_at, decision, closed_at, retention_until, anonymised_at, applicant_id, assignee_id, authority_id,
    org_unit_id, service_id, submission_id, routing_rule_id, applicant_link_generation)
SELECT now(), now(), s.reference, 'antrag',
       CASE WHEN s.submitted_at > now() - interval '90 days'
                THEN (ARRAY['eingegangen','in_pruefung','in_pruefung','rueckfrage'])
                     [1 + abs(hashtext(s.reference)) %% 4]
            WHEN s.submitted_at > now() - interval '120 days' THEN 'entschieden'
            ELSE 'abgeschlossen' END,
       s.submitted_at, (s.submitted_at + interval '28 days')::date, NULL, NULL,
       CASE WHEN s.submitted_at <= now() - interval '90 days' THEN s.submitted_at + interval '20 days' END,
       CASE WHEN s.submitted_at <= now() - interval '90 days' THEN 'bewilligt' ELSE '' END,
       CASE WHEN s.submitted_at <= now() - interval '120 days' THEN s.submitted_at + interval '30 days' END,
       CASE WHEN s.submitted_at <= now() - interval '120 days'
            THEN s.submitted_at::date + 1093 END,
       NULL, NULL, NULL, s.authority_id, s.org_unit_id, s.service_id, s.id, NULL, 0
FROM submissions_submission s WHERE s.reference LIKE 'BN-%%';
"""


def _rebuild_sql(connection: psycopg.Connection[Any], tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes and key constraints of ``tables`` (and the foreign keys pointing at them) and return
    the statements that create them again: loading millions of rows into a table without indexes and
    building each index once afterwards is several times cheaper than updating every index per row."""
    names = list(tables)
    constraints = connection.execute(
        """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
           FROM pg_constraint c
           WHERE c.contype IN ('p', 'u', 'f')
             AND (c.conrelid::regclass::text = ANY(%s) OR c.confrelid::regclass::text = ANY(%s))""",
        (names, names),
    ).fetchall()
    drop, create_keys, create_foreign = [], [], []
    for table, name, definition, kind in constraints:
        if kind == "f":
            drop.insert(0, f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            create_foreign.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        else:
            drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            create_keys.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    key_names = {name for _t, name, _d, kind in constraints if kind != "f"}
    indexes = connection.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s)",
        (names,),
    ).fetchall()
    create_indexes = []
    for name, definition in indexes:
        if name not in key_names:
            drop.append(f'DROP INDEX "{name}"')
            create_indexes.append(definition)
    for statement in drop:
        connection.execute(statement)
    return create_keys + create_indexes + create_foreign


def _generate(database_url: str, cases: int) -> None:
    started = time.perf_counter()
    print(
        f"  {_n(KREISE)} Kreise, {_n(TOWNS)} Gemeinden; {_n(cases)} Anträge und Vorgänge erzeugen …",
        flush=True,
    )
    values = {"cases": str(cases), "kreise": str(KREISE), "towns": str(TOWNS)}

    def run(connection: psycopg.Connection[Any], script: str) -> None:
        for statement in script.split(";\n"):
            if statement.strip():
                text = statement
                for key, value in values.items():
                    text = text.replace(f"%({key})s", value)
                connection.execute(text.replace("%%", "%"))

    with psycopg.connect(database_url) as connection:
        with connection.transaction():
            connection.execute("SET LOCAL synchronous_commit = off")
            connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
            connection.execute("SET LOCAL work_mem = '64MB'")
            run(connection, GENERATE_TENANTS_SQL)
        with connection.transaction():
            connection.execute("SET LOCAL synchronous_commit = off")
            connection.execute("SET LOCAL maintenance_work_mem = '512MB'")
            connection.execute("SET LOCAL work_mem = '64MB'")
            rebuild = _rebuild_sql(connection, ("submissions_submission", "cases_case"))
            step = time.perf_counter()
            run(connection, GENERATE_CASES_SQL)
            print(f"    Zeilen geschrieben ({time.perf_counter() - step:.0f} s)", flush=True)
            step = time.perf_counter()
            for statement in rebuild:
                connection.execute(statement)
            print(
                f"    {len(rebuild)} Indexe und Schlüssel gebaut ({time.perf_counter() - step:.0f} s)",
                flush=True,
            )
            connection.execute("CREATE TABLE bench_generated (cases bigint NOT NULL, towns int, kreise int)")
            connection.execute("INSERT INTO bench_generated VALUES (%s, %s, %s)", (cases, TOWNS, KREISE))
        connection.autocommit = True
        connection.execute("VACUUM (ANALYZE) submissions_submission")
        connection.execute("VACUUM (ANALYZE) cases_case")
        connection.execute("ANALYZE")
    print(f"    fertig ({time.perf_counter() - started:.0f} s)")


def _generated(database_url: str) -> int | None:
    """The number of cases an earlier, completed generation wrote into this database (or ``None``)."""
    try:
        with psycopg.connect(database_url) as connection:
            row = connection.execute("SELECT cases, towns, kreise FROM bench_generated").fetchone()
    except psycopg.Error:
        return None
    if row is None or (row[1], row[2]) != (TOWNS, KREISE):
        return None
    return int(row[0])


def _prepare(env: dict[str, str], database_url: str, cases: int) -> None:
    print("Vorbereitung:")
    if os.environ.get("BENCH_REGENERATE") != "1" and _generated(database_url) == cases:
        print(f"  vorhandene Datenbank mit {_n(cases)} erzeugten Vorgängen wird weiter benutzt")
        harness.run_amtsweg(env, "migrate", "--noinput")
        return
    # The demo data (migrate + load-demo take minutes) is kept in a template database "<name>_demo" and
    # copied for every generation.
    template = urlsplit(database_url)._replace(path=urlsplit(database_url).path + "_demo").geturl()
    if _has_demo(template):
        harness.recreate_database(database_url, template=template)
        harness.run_amtsweg(env, "migrate", "--noinput")
    else:
        harness.recreate_database(database_url)
        harness.run_amtsweg(env, "migrate", "--noinput")
        harness.run_amtsweg(env, "load-demo")
        harness.recreate_database(template, template=database_url)
    _generate(database_url, cases)


def _has_demo(database_url: str) -> bool:
    try:
        with psycopg.connect(database_url) as connection:
            row = connection.execute("SELECT count(*) FROM tenants_authority").fetchone()
    except psycopg.Error:
        return False
    return bool(row and row[0])


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Measurement:
    def __init__(self, name: str, path: str, page_ms: list[float], raw_ms: list[float], queries: int) -> None:
        self.name, self.path, self.page_ms, self.raw_ms, self.queries = name, path, page_ms, raw_ms, queries
        self.cpu_ms: list[float] = []

    def p(self, share: float, raw: bool = False) -> float:
        return _percentile(self.raw_ms if raw else self.page_ms, share)


def _time(call: Callable[[], Any], rounds: int, cpu: list[float] | None = None) -> list[float]:
    """Wall-clock ms of ``rounds`` calls; ``cpu`` collects this process's CPU ms of each (without waiting for
    the database or for a core: on a shared machine the wall clock includes the queue for the CPU)."""
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        call()
        times.append((time.perf_counter() - started) * 1000)
        if cpu is not None:
            cpu.append((time.process_time() - started_cpu) * 1000)
    return times


def _setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "amtsweg.settings"
    import django

    django.setup()


def _main_queries(captured: Any, marker: str) -> list[str]:
    return [
        q["sql"] for q in captured.captured_queries if 'FROM "cases_case"' in q["sql"] and marker in q["sql"]
    ]


def _plan(raw: psycopg.Connection[Any], sql: str) -> tuple[list[str], list[str]]:
    """The plan of ``sql`` (without costs: it is the same at every size when the plan is) and its shape:
    the nodes with their index or table, for comparing the plans of two sizes."""
    lines = [str(row[0]) for row in raw.execute("EXPLAIN (COSTS OFF) " + sql).fetchall()]
    # Node lines ("->  Index Scan using case_unit_inbox_idx on cases_case") have no colon; their details
    # ("Index Cond: …", "Filter: …") have one and depend on the values, not on the plan.
    shape = [line.strip().removeprefix("->").strip() for line in lines if ":" not in line]
    return lines, shape


def _measure(database_url: str, cases: int) -> tuple[list[Measurement], dict[str, Any]]:
    """Set up Django in this process and time the pages and their main queries."""
    _setup_django()
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from amtsweg.access.testing import login_verified, staff_create
    from amtsweg.cases.inbox import NOT_CLOSED, InboxFilters, inbox_page
    from amtsweg.cases.models import Case
    from amtsweg.tenants.models import OrgUnit

    # The caseworker of the unit with the most open cases (in the largest town).
    busiest = (
        Case.objects.filter(status__in=NOT_CLOSED, org_unit__isnull=False)
        .values("org_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    if busiest is None:
        harness.fail("Es gibt keine offenen Vorgänge.")
    unit = OrgUnit.objects.select_related("authority").get(pk=busiest["org_unit_id"])
    user = staff_create(f"bench-{int(time.time())}", unit.authority, ("sachbearbeitung", unit))
    client = login_verified(Client(), user)
    unit_cases = Case.objects.filter(org_unit=unit)
    # Every fourth open case of the unit is assigned to the caseworker ("Meine Vorgänge").
    assigned = list(unit_cases.filter(status__in=NOT_CLOSED).order_by("id").values_list("pk", flat=True)[::4])
    Case.objects.filter(pk__in=assigned).update(assignee=user)
    facts: dict[str, Any] = {
        "unit": f"{unit.name} ({unit.authority.name})",
        "unit_cases": unit_cases.count(),
        "unit_open": busiest["n"],
        "assigned": len(assigned),
        "total": cases,
        "authorities": Case.objects.values("authority_id").distinct().count(),
    }
    service_id = unit_cases.filter(status="in_pruefung").values_list("service_id", flat=True).first()
    sample = unit_cases.filter(status="in_pruefung").order_by("id").values_list("reference", flat=True)[:1][0]

    # The deep pages: follow "Weiter" DEEP_PAGE - 1 times (the same cursor the page's link carries).
    user.is_verified = lambda: True
    deep = {}
    for label, filters in (("", InboxFilters()), ("status=in_pruefung", InboxFilters(status="in_pruefung"))):
        after = ""
        for _ in range(DEEP_PAGE - 1):
            after = inbox_page(actor=user, filters=filters, after=after).next_cursor or after
        deep[label] = after
    pages = [
        ("Inbox, first page (open cases by deadline)", "/vorgaenge/", "SELECT"),
        ("Inbox, status filter (Rückfrage)", "/vorgaenge/?status=rueckfrage", "SELECT"),
        ("Inbox, status + service", f"/vorgaenge/?status=in_pruefung&leistung={service_id}", "SELECT"),
        ("Inbox, overdue", "/vorgaenge/?frist=ueberfaellig", "SELECT"),
        ("Inbox, due soon", "/vorgaenge/?frist=bald", "SELECT"),
        ("My cases (assigned to me)", "/vorgaenge/meine/", "SELECT"),
        ("Inbox, all statuses by receipt", "/vorgaenge/?status=alle&sortierung=eingang", "SELECT"),
        (f"Inbox, page {DEEP_PAGE} via keyset cursor", f"/vorgaenge/?nach={deep['']}", "SELECT"),
        (
            f"Inbox, status filter, page {DEEP_PAGE}",
            f"/vorgaenge/?status=in_pruefung&nach={deep['status=in_pruefung']}",
            "SELECT",
        ),
        ("Inbox, search by reference prefix", f"/vorgaenge/?q={sample[:9]}", "SELECT"),
        ("Case page", f"/vorgaenge/akte/{sample}/", '"cases_case"."reference" ='),
    ]
    results = []
    plans: dict[str, dict[str, Any]] = {}
    with psycopg.connect(database_url, autocommit=True) as raw:
        for name, path, marker in pages:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            if response.status_code != 200:
                harness.fail(f"{name} ({path}) antwortet mit {response.status_code}.")
            count = len(captured.captured_queries)
            main = _main_queries(captured, marker)
            if not main:
                harness.fail(f"Die Hauptabfrage von {name} wurde nicht gefunden.")
            # Every query of the page is planned; those on the case and submission tables are shown.
            for sql in (q["sql"] for q in captured.captured_queries):
                # A union of index ranges (the inbox over several units and statuses) starts with "(SELECT".
                if sql.lstrip().lstrip("(").upper().startswith("SELECT") and (
                    '"cases_case"' in sql or '"submissions_submission"' in sql
                ):
                    lines, shape = _plan(raw, sql)
                    plans.setdefault(name, {"queries": []})["queries"].append(
                        {"sql": sql, "plan": lines, "shape": shape}
                    )
            cpu_ms: list[float] = []
            page_ms = _time(lambda path=path: client.get(path), ROUNDS, cpu_ms)
            raw_ms = _time(lambda sqls=main: [raw.execute(sql).fetchall() for sql in sqls], ROUNDS)
            result = Measurement(name, path, page_ms, raw_ms, count)
            result.cpu_ms = cpu_ms
            results.append(result)
            print(
                f"  {name}: p50 {result.p(0.5):.1f} ms, p95 {result.p(0.95):.1f} ms; "
                f"CPU p50 {_percentile(cpu_ms, 0.5):.1f} ms; "
                f"Hauptabfrage roh p50 {result.p(0.5, True):.2f} ms; {result.queries} Abfragen",
                flush=True,
            )
    facts["plans"] = plans
    return results, facts


# ---- jobs over all cases: retention, maturity dashboard, cockpit, report ---------------------------------


JOBS = ("retention-count", "retention-run", "rollup", "maturity", "cockpit", "report")
PAGES = ("maturity", "cockpit", "report")  # read the monthly roll-up: built (and kept) before they run


def _job(name: str) -> dict[str, Any]:
    """Run one job in this (fresh) process and return its time, peak memory and query count. Changes are
    rolled back, so the database stays as generated."""
    _setup_django()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from amtsweg.access.testing import login_verified, staff_create
    from amtsweg.cases.retention import retention_run
    from amtsweg.strategy.models import Report, RollupMonth, Strategy
    from amtsweg.strategy.rollup import rollup_refresh

    result: dict[str, Any] = {}
    if name in PAGES and not RollupMonth.objects.exists():
        # What the worker's daily "strategy.rollup" keeps built; committed, not part of the page's time.
        rollup_refresh()
    with transaction.atomic():
        strategy = Strategy.objects.select_related("owner").order_by("pk").first()
        if strategy is None:
            harness.fail("Die Demodaten enthalten keine Strategie.")
        user = staff_create(f"bench-job-{int(time.time())}", strategy.owner, "digitalisierungsteam")
        client = login_verified(Client(), user)
        report = Report.objects.create(strategy=strategy, subject="Sachstandsbericht (Messung)")
        if name == "retention-run":
            # Anonymise RETENTION_SAMPLE of the due cases (the oldest): the work per case does not change
            # with their number, memory must not; the rest are set aside for this rolled-back run.
            from amtsweg.cases.retention import cases_due_for_retention

            keep = cases_due_for_retention().values("pk")[:RETENTION_SAMPLE]
            result["due"] = cases_due_for_retention().count()
            cases_due_for_retention().exclude(pk__in=keep).update(retention_until=None)
        calls: dict[str, Callable[[], Any]] = {
            "retention-count": lambda: retention_run(dry_run=True),
            "retention-run": lambda: retention_run(),
            "rollup": lambda: {"months": rollup_refresh()},
            "maturity": lambda: client.get(reverse("strategy:maturity")),
            "cockpit": lambda: client.get(reverse("strategy:home")),
            "report": lambda: client.get(reverse("strategy:report_pdf", args=[report.pk])),
        }
        # Linux: "5" in clear_refs resets the peak RSS, so VmHWM afterwards is the peak during the job.
        Path("/proc/self/clear_refs").write_text("5")
        before = _status_mb("VmRSS")
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            outcome = calls[name]()
        result["seconds"] = time.perf_counter() - started
        result["rss_before_mb"] = before
        result["rss_peak_mb"] = _status_mb("VmHWM")
        result["queries"] = len(captured.captured_queries)
        if isinstance(outcome, dict):
            result["outcome"] = outcome
        else:
            result["outcome"] = {"status": outcome.status_code, "bytes": len(outcome.content)}
            if outcome.status_code != 200:
                harness.fail(f"{name} antwortet mit {outcome.status_code}.")
        # The roll-up is kept (the pages measured next read it); everything else is rolled back.
        transaction.set_rollback(name != "rollup")
    return result


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _jobs(env: dict[str, str]) -> dict[str, dict[str, Any]]:
    found = {}
    chosen = [name for name in os.environ.get("BENCH_JOBS", ",".join(JOBS)).split(",") if name in JOBS]
    for name in chosen:
        print(f"  {name} …", end=" ", flush=True)
        done = subprocess.run(
            [sys.executable, __file__, "--job", name], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            harness.fail(f"Der Lauf {name} schlug fehl:\n{done.stdout}\n{done.stderr}")
        found[name] = json.loads(done.stdout.strip().splitlines()[-1])
        job = found[name]
        print(f"{job['seconds']:.1f} s, Speicher höchstens {job['rss_peak_mb']:.0f} MB", flush=True)
    return found


def _n(number: int) -> str:
    """1000000 → 1.000.000 (German grouping, as in the rest of the page's German figures)."""
    return f"{number:,}".replace(",", ".")


def _size(cases: int) -> str:
    return f"{cases // 1_000_000} M" if cases % 1_000_000 == 0 else _n(cases)


def _markdown(run: dict[str, Any], other: dict[str, Any] | None, meta: dict[str, str]) -> str:
    """The section: this run's figures, and the plans compared with the run at the other size."""
    facts, jobs = run["facts"], run["jobs"]
    size = _size(run["cases"])
    other_size = _size(other["cases"]) if other else ""
    lines = [
        "## Caseworker's inbox and jobs over all cases (`benchmarks/inbox.py`)",
        "",
        f"Measured {meta['when']} by `benchmarks/inbox.py` (part of `make bench`) on {meta['cpu']}, "
        f"**{meta['cores']} cores**, {meta['memory']},",
        f"{meta['system']}, Python {meta['python']}, PostgreSQL {meta['postgres']};",
        f"load average {meta['load']} when the run started"
        + (
            " (other work on the machine skews the figures: other jobs shared the two cores)."
            if float(meta["load"]) >= 1.5
            else " (an idle machine)."
        ),
        "",
        f"Data: **{_n(run['cases'])} cases** (with their applications) across {facts['authorities']} "
        f"authorities – {KREISE} Kreise and {TOWNS} towns, as in NRW – generated in SQL (one "
        "`INSERT … SELECT` per table, indexes built after loading). A few authorities are large, many small "
        "(the k-th gets a share falling with 1/√k; the largest about 5 %). The caseworker (Sachbearbeitung) "
        f"belongs to the busiest unit, {facts['unit']}: {_n(facts['unit_cases'])} cases, "
        f"{_n(facts['unit_open'])} of them open, {_n(facts['assigned'])} assigned to them.",
        "",
    ]
    header = (
        "| Page | p50 ms | p95 ms | CPU of the process p50 ms | Case-table queries raw, p50 ms | Queries |"
    )
    rule = "|---|---:|---:|---:|---:|---:|"
    if other:
        header += f" p95 ms at {other_size} |"
        rule += "---:|"
    lines += [header, rule]
    other_p95 = {r["name"]: r["p95"] for r in other["results"]} if other else {}
    for r in run["results"]:
        row = (
            f"| {r['name']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['cpu_p50']:.1f} | {r['raw_p50']:.2f} "
            f"| {r['queries']} |"
        )
        if other:
            row += f" {other_p95.get(r['name'], float('nan')):.1f} |"
        lines.append(row)
    worst = max(r["p95"] for r in run["results"])
    verdict = "met" if worst <= TARGET_P95_MS else "**not met**"
    lines += [
        "",
        f"Target p95 ≤ {TARGET_P95_MS:.0f} ms for every page above at {size}: {verdict} "
        f"(worst p95 {worst:.1f} ms).",
        "",
        "**Reading the figures.** "
        + (
            "The wall-clock times include waiting for a core: with a load average "
            f"of {meta['load']} on {meta['cores']} cores a process runs a fraction of the time. "
            if float(meta["load"]) >= 1.5
            else ""
        )
        + "The CPU column "
        "is the time the page's process itself computed (Django, template, driver), the raw column the "
        "database's work for the case-table queries; their sum is what a page costs on an idle core. No "
        "page reads more than the caseworker's own unit (plans below): none grows with the installation.",
        "",
        "**What grows with the unit.** Lists over several statuses or org units (the unit and the units "
        "below it) are one `UNION ALL` of index ranges, one per unit and status, each in index order with "
        "its own `LIMIT` (decision 0028): a page reads at most a page's rows per range, not the unit's cases"
        + (
            f" – the unit had {_n(other['facts']['unit_cases'])} cases ({_n(other['facts']['unit_open'])} "
            f"open) at {other_size} and {_n(facts['unit_cases'])} ({_n(facts['unit_open'])} open) at {size}"
            if other
            else ""
        )
        + "; pages whose raw queries grew more than threefold: "
        + (", ".join(_grown(run, other)) or "none")
        + ".",
        "",
        "**Method.** One process, Django's test client (complete middleware stack, a session with a verified "
        "second factor, template rendering; no HTTP server, no network), "
        f"{run.get('rounds', ROUNDS)} requests per page after "
        f"{WARMUP} warm-up requests, one after another. The deep pages are page {DEEP_PAGE}, reached by "
        'following the keyset cursor (`?nach=`) as the "Weiter" link does (with the filter kept); keyset '
        "pagination reads only the rows after the cursor, so it costs as much as the first page. The inbox "
        "shows no total count. The raw column runs the page's queries on the case table exactly as Django "
        "sent them, through psycopg on their own connection.",
        "",
    ]
    lines += _plan_lines(run, other)
    lines += [
        "",
        f"### Jobs over all cases at {size}",
        "",
        "Each job runs in a fresh process (`--job NAME`) on the generated database; its changes are rolled "
        "back. Memory is the process's peak resident set during the job (`VmHWM`, reset just before it); "
        "in brackets the resident set before the job (Django loaded, the user logged in), so the "
        "difference is what the job needed.",
        "",
        "| Job | Time s | Peak RSS MB (before the job) | Queries | Result |",
        "|---|---:|---:|---:|---|",
    ]
    labels = {
        "retention-count": "Retention, dry run (`cases-retention --dry-run`)",
        "retention-run": f"Retention run (anonymises {_n(RETENTION_SAMPLE)} of the due cases)",
        "rollup": "Monthly roll-up, nightly job (`strategy-rollup`, 13 closed months)",
        "maturity": "Maturity dashboard page (`/strategie/reifegrad/`)",
        "cockpit": "Cockpit start page (`/strategie/`)",
        "report": "Sachstandsbericht as PDF",
    }
    for name, job in jobs.items():
        outcome = job["outcome"]
        text = ", ".join(f"{k} {v}" for k, v in outcome.items())
        if "due" in job:
            text += f" (due in all: {_n(job['due'])})"
        lines.append(
            f"| {labels.get(name, name)} | {job['seconds']:.1f} | {job['rss_peak_mb']:.0f} "
            f"({job['rss_before_mb']:.0f}) | {job['queries']} | {text} |"
        )
    lines += [
        "",
        "Nothing of these loads the cases into memory: the retention job counts, then reads the due cases "
        "500 at a time (keyset) and anonymises each in its own transaction. The maturity dashboard – and the "
        "cockpit and the Sachstandsbericht, which show its figures – read the monthly roll-up (decision "
        "0030): the closed months from the tables the nightly job `strategy.rollup` builds (one grouped pass "
        "over thirteen months of cases and applications, kept, not rolled back, so the pages measured next "
        "read it), the current month counted live from the case and application tables. Their time grows "
        "with the current month's cases only, no longer with the year's.",
    ]
    return "\n".join(lines)


def _grown(run: dict[str, Any], other: dict[str, Any] | None) -> list[str]:
    if not other:
        return []
    before = {r["name"]: r["raw_p50"] for r in other["results"]}
    return [
        f"{r['name']} ({before[r['name']]:.1f} → {r['raw_p50']:.1f} ms)"
        for r in run["results"]
        if r["name"] in before and r["raw_p50"] > 3 * before[r["name"]]
    ]


def _access(shape: list[str]) -> list[str]:
    """How a plan reaches the large tables: its scans of cases and applications (with the index) and its
    sorts. How the page's few rows are joined to the small tables is left out: PostgreSQL picks hash join,
    nested loop or memoize by the small tables' statistics, which differ between the generated databases
    without changing what is read from the large ones."""
    return [
        node
        for node in shape
        if node in ("Sort", "Incremental Sort")
        or " on cases_case" in node
        or " on submissions_submission" in node
    ]


def _plan_lines(run: dict[str, Any], other: dict[str, Any] | None) -> list[str]:
    plans = run["facts"]["plans"]
    other_plans = other["facts"]["plans"] if other else {}
    size = _size(run["cases"])
    lines = [
        f"### Query plans at {size}" + (f" and {_size(other['cases'])}" if other else ""),
        "",
        "Every query of each page on the case and application tables, planned with `EXPLAIN (COSTS OFF)`. "
        "*Same access* compares how each query reaches the case and application tables at both sizes: "
        "its scans of them with their indexes, and every sort. How the page's few rows are then joined to "
        "the small tables (hash join, nested loop, memoize) is chosen from those tables' statistics and "
        "left out.",
        "",
        "| Page | Queries on cases/applications | Sequential scans of cases/applications "
        "| Sequential scans of small tables | Same access at both sizes |",
        "|---|---:|---:|---|---|",
    ]
    for name, entry in plans.items():
        queries = entry["queries"]
        scans = [
            node.removeprefix("Seq Scan on ") for q in queries for node in q["shape"] if "Seq Scan" in node
        ]
        big = [t for t in scans if t.startswith(("cases_case", "submissions_submission"))]
        small = sorted({t.split()[0] for t in scans if t not in big})
        same = "–"
        if name in other_plans:
            mine = [_access(q["shape"]) for q in queries]
            theirs = [_access(q["shape"]) for q in other_plans[name]["queries"]]
            same = "yes" if mine == theirs else "**no**"
        lines.append(f"| {name} | {len(queries)} | {len(big)} | {', '.join(small) or '–'} | {same} |")
    lines += [
        "",
        "The small tables (catalogue services, staff accounts, forms) are read whole because they hold a few "
        "dozen rows here; PostgreSQL switches to their indexes by itself when they are large (the plans are "
        "chosen from the table statistics).",
        "",
        f"<details><summary>Plans of the main queries at {size}: the page's ids (keyset) or the case row"
        "</summary>",
        "",
    ]
    for name, entry in plans.items():
        main = [q for q in entry["queries"] if 'FROM "cases_case"' in q["sql"] and "LIMIT" in q["sql"]]
        lines += [f"**{name}**", "", "```"]
        for query in main:
            lines += query["plan"]
            lines.append("")
        if lines[-1] == "":
            lines.pop()
        lines += ["```", ""]
    lines.append("</details>")
    return lines


def _write(data_dir: Path, cases: int) -> None:
    """Write the section from the stored run of ``cases``, compared with the largest run of another size."""
    run = json.loads((data_dir / f"run-{cases}.json").read_text(encoding="utf-8"))
    other = None
    for path in sorted(data_dir.glob("run-*.json")):
        candidate = json.loads(path.read_text(encoding="utf-8"))
        if candidate["cases"] != cases and (other is None or candidate["cases"] > other["cases"]):
            other = candidate
    harness.write_section("inbox", _markdown(run, other, run["meta"]))


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "AMTSWEG_ENVIRONMENT": "development",
        "DEBUG": "false",
        "AMTSWEG_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
        # Plain static storage: the page is rendered in this process, without collectstatic.
        "STATIC_MANIFEST": "false",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--cases", type=int, default=CASES, help="Anzahl der Vorgänge (Standard: BENCH_CASES)"
    )
    parser.add_argument(
        "--generate-only", action="store_true", help="nur die Datenbank erzeugen (oder prüfen), nicht messen"
    )
    parser.add_argument(
        "--write-only",
        action="store_true",
        help="nur den Abschnitt aus den gespeicherten Läufen neu schreiben",
    )
    parser.add_argument("--job", choices=JOBS, help=argparse.SUPPRESS)  # one job, in a fresh process
    args = parser.parse_args(argv)
    database_url = os.environ.get("BENCH_INBOX_DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print(
            "benchmarks/inbox.py braucht PostgreSQL: bitte BENCH_INBOX_DATABASE_URL setzen, z. B.\n"
            "  BENCH_INBOX_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amtsweg_inbox_bench\n"
            "Die Datenbank wird gelöscht und neu angelegt; ihr Name muss darum „bench“ enthalten.",
            file=sys.stderr,
        )
        return 2
    load = os.getloadavg()[0]
    data_dir = Path(os.environ.get("BENCH_DATA_DIR", "/tmp/amtsweg-inbox-bench"))  # noqa: S108 - scratch files
    data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(database_url, data_dir)
    os.environ.update(env)
    if args.job:
        print(json.dumps(_job(args.job)))
        return 0
    if args.write_only:
        _write(data_dir, args.cases)
        return 0
    _prepare(env, database_url, args.cases)
    if args.generate_only:
        return 0
    postgres = harness.query_one(database_url, "SHOW server_version")
    print(f"\nMessung: {ROUNDS} Aufrufe je Seite")
    results, facts = _measure(database_url, args.cases)
    print("\nLäufe über alle Vorgänge (je ein eigener Prozess):")
    jobs = _jobs(env)
    run = {
        "cases": args.cases,
        "results": [
            {
                "name": r.name,
                "p50": r.p(0.5),
                "p95": r.p(0.95),
                "raw_p50": r.p(0.5, True),
                "cpu_p50": _percentile(r.cpu_ms, 0.5),
                "queries": r.queries,
            }
            for r in results
        ],
        "facts": facts,
        "jobs": jobs,
        "rounds": ROUNDS,
    }
    run["meta"] = {
        **harness.machine(),
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "postgres": str(postgres[0]).split()[0] if postgres else "?",
        "load": f"{load:.2f}",
    }
    # Each size keeps its run; the section shows this run and compares the plans with the other size.
    (data_dir / f"run-{args.cases}.json").write_text(json.dumps(run), encoding="utf-8")
    _write(data_dir, args.cases)
    print("\nErgebnis in docs/performance.md (Abschnitt „inbox“).")
    print(f"Median aller Seiten: {statistics.median(r.p(0.5) for r in results):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
