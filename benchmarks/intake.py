"""Benchmark of the intake of submissions: sustained submissions per second through the API, against a bare
insert of the same rows, and the render time of the largest step of the largest form.

Run with `make bench` (or `.venv/bin/python benchmarks/intake.py`). Needs PostgreSQL: it drops and creates
the database named by BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/amtsweg_bench; the name
must contain "bench"), migrates it, loads the demo data (with its forms) and starts the real server
(`amtsweg serve`, gunicorn). Then:

1. **Intake through the API**: BENCH_CLIENTS concurrent clients POST complete, valid applications
   (the demo form "Anmeldung zur Hundesteuer", one dog) to /api/v1/formulare/hundesteuer-anmeldung/antraege,
   each with a new Idempotency-Key, for BENCH_DURATION seconds. Each request is validated against the form
   version, routed (responsibility), stored with its reference number, its case, the follow-up task
   (receipt PDF and e-mail) and the audit entry in one transaction. Only 201 answers count.
2. **Baseline: bare insert** of the same rows in the same database from the same number of concurrent
   connections (psycopg, no HTTP, no Django): one transaction per submission that copies a stored
   submission row, its task row, its case row and the case's first history row – once without and once
   with the audit entry and the update of the audit chain head (what the audit log costs at the database
   level).
3. **Largest step**: GET of the step with the most fields of the form with the most fields, by concurrent
   clients with a session that may open it; p50/p95 latency.

Results go to docs/performance.md (section "intake").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gunicorn
import psycopg

import harness

WORKERS = 2  # = cores; see the comparison with more workers below
MORE_WORKERS = 4  # what `amtsweg serve` starts by default on 2 cores (two per core)
WARMUP_SECONDS = 3.0
FORM_KEY = "hundesteuer-anmeldung"
MUNICIPALITY_AGS = "05558016"  # Dülmen
TARGET_PER_SECOND = 500
TARGET_RATIO = 0.35  # of the bare insert of the same rows (issue 16)
# The largest-step measurement: the real FIM schema "Gewerbe Anmeldung" under AMTSWEG_SHARED_DATA.
LARGE_FIM_FORM = "fim/real/gewerbeanmeldung_S00000009/S00000009_xdatenfelder.xml"
LARGE_FIM_LEIKA = "99050012104000"

APPLICATION = {
    "halter": {
        "vorname": "Jürgen",
        "nachname": "Müller-Lüdenscheidt",
        "geburtsdatum": "1980-05-17",
        "strasse": "Marktstraße 1",
        "plz": "48249",
        "ort": "Dülmen",
        "telefon": "02594 12345",
    },
    "hund": [
        {
            "name": "Bello",
            "rasse": "Mischling",
            "geburtsdatum": "2022-04-01",
            "haltung_seit": "2022-06-01",
            "chipnummer": "276098765432101",
            "listenhund": False,
        }
    ],
    "bestaetigung": True,
}

# Run inside `amtsweg shell`: finds the largest step of the largest form and opens a draft for it.
STEP_SETUP = """
import json
from django.contrib.sessions.backends.db import SessionStore
from amtsweg.forms.models import FormVersion
from amtsweg.forms.steps import steps_for, step_field_paths
from amtsweg.submissions.drafts import SESSION_KEY, draft_start
from amtsweg.tenants.models import Authority

versions = list(FormVersion.objects.filter(status=FormVersion.Status.PUBLISHED).select_related("form"))
version = max(versions, key=lambda v: len(v.spec().fields()))
spec = version.spec()
steps = steps_for(spec)
step = max(steps, key=lambda s: len(step_field_paths(spec, s)))
draft, _ = draft_start(form_version=version, actor=None, municipality=Authority.objects.get(ags="05558016"))
draft.completed_steps = [s.key for s in steps]
draft.save(update_fields=["completed_steps"])
session = SessionStore()
session[SESSION_KEY] = [str(draft.pk)]
session.save()
print(json.dumps({
    "form": version.form.key, "title": spec.title, "fields": len(spec.fields()),
    "step": step.key, "step_title": step.title, "step_fields": len(step_field_paths(spec, step)),
    "path": f"/antrag/entwurf/{draft.pk}/{step.key}/", "session": session.session_key,
}))
"""


# Run inside `amtsweg shell` after the HTTP measurements: where one submission's time goes (cProfile).
PROFILE = """
import cProfile, json, pstats, time, uuid
from amtsweg.submissions.api import municipality_by_ags, published_version
from amtsweg.submissions.services import submission_create

version, municipality = published_version(FORM_KEY), municipality_by_ags(AGS)
data = json.loads(DATA)

def one():
    submission_create(form_version=version, data=data, applicant=None, municipality=municipality,
                      idempotency_key="profil:" + uuid.uuid4().hex, source="bench")

for _ in range(20):
    one()
started = time.perf_counter()
for _ in range(COUNT):
    one()
plain = (time.perf_counter() - started) / COUNT * 1000
profile = cProfile.Profile()
profile.enable()
for _ in range(COUNT):
    one()
profile.disable()
stats = pstats.Stats(profile).stats

def cumulative(file_part, name):
    return sum(v[3] for k, v in stats.items() if k[2] == name and file_part in k[0]) / COUNT * 1000

phases = {
    "total": cumulative("submissions/services.py", "submission_create"),
    "validation": cumulative("forms/validation.py", "validate_version"),
    "responsibility": cumulative("submissions/services.py", "_responsible"),
    "enqueue": cumulative("django/tasks/base.py", "enqueue"),
    "audit": cumulative("core/audit.py", "audit_record"),
    "hooks": cumulative("submissions/hooks.py", "submission_received_run"),
}
intake = cumulative("submissions/services.py", "_intake")
phases["insert"] = intake - phases["enqueue"] - phases["audit"] - phases["responsibility"] - phases["hooks"]
print(json.dumps({"plain_ms": plain, "phases": phases}))
"""
PROFILE_COUNT = 200


@dataclass
class Measured:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))] * 1000


# ---- HTTP clients -------------------------------------------------------------------------------------


def _http_client(
    port: int,
    make_request: Any,
    expected: int,
    deadline: float,
    number: int,
    out: Measured,
    lock: threading.Lock,
    record: bool,
) -> None:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(f"127.0.1.{number % 250 + 1}", 0)
    )
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    while time.perf_counter() < deadline:
        method, path, body, headers = make_request()
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            elapsed = time.perf_counter() - started
            if response.status == expected:
                latencies.append(elapsed)
            else:
                errors[f"HTTP {response.status}: {content[:120]!r}"] += 1
            if response.will_close:
                connection.close()
        except (OSError, http.client.HTTPException) as error:
            errors[f"{type(error).__name__}: {error}"[:120]] += 1
            connection.close()
    connection.close()
    if record:
        with lock:
            out.latencies.extend(latencies)
            out.errors.update(errors)


def run_http(
    name: str, port: int, make_request: Any, expected: int, clients: int, seconds: float
) -> Measured:
    lock = threading.Lock()
    for phase_seconds, record in ((WARMUP_SECONDS, False), (seconds, True)):
        out = Measured(name, phase_seconds)
        started = time.perf_counter()
        deadline = started + phase_seconds
        threads = [
            threading.Thread(
                target=_http_client,
                args=(port, make_request, expected, deadline, n, out, lock, record),
                daemon=True,
            )
            for n in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        out.seconds = time.perf_counter() - started
    return out


def submission_request() -> tuple[str, str, bytes, dict[str, str]]:
    body = json.dumps({"municipality": MUNICIPALITY_AGS, "data": APPLICATION}).encode()
    return (
        "POST",
        f"/api/v1/formulare/{FORM_KEY}/antraege",
        body,
        {
            "Content-Type": "application/json",
            "Idempotency-Key": uuid.uuid4().hex,
            "Accept-Language": "de",
            "User-Agent": "amtsweg-bench",
        },
    )


# ---- bare inserts --------------------------------------------------------------------------------------


def _columns(connection: psycopg.Connection[Any], table: str) -> list[str]:
    rows = connection.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [str(row[0]) for row in rows]


def _copy_statement(columns: list[str], table: str, replaced: dict[str, str], key: str) -> str:
    names = [c for c in columns if c != "id" or "id" in replaced]
    values = [replaced.get(c, f'"{c}"') for c in names]
    quoted = ", ".join(f'"{c}"' for c in names)
    selected = ", ".join(values)
    return f'INSERT INTO "{table}" ({quoted}) SELECT {selected} FROM "{table}" WHERE {key} = %(template)s'  # noqa: S608


LANE_FREE = (
    "WITH lane AS MATERIALIZED (SELECT id, last_hash FROM core_auditchainhead ORDER BY id LIMIT 1 "
    "FOR UPDATE SKIP LOCKED) SELECT id, last_hash, nextval(pg_get_serial_sequence('core_auditentry', 'id')) "
    "FROM lane"
)
LANE_WAIT = LANE_FREE.replace("ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", "WHERE id = %s FOR UPDATE")


def run_bare_insert(
    database_url: str, clients: int, seconds: float, *, with_audit: bool, single_head: bool = False
) -> Measured:
    """Copy one API submission's rows (submission, its task, its case with the first history entry,
    optionally the audit entry) per transaction. ``single_head``: the audit entry goes through lane 1
    only, locked with waiting, as every entry did before decision 0022 (one chain head)."""
    with psycopg.connect(database_url) as connection:
        submission_columns = _columns(connection, "submissions_submission")
        task_columns = _columns(connection, "django_tasks_database_dbtaskresult")
        case_columns = _columns(connection, "cases_case")
        event_columns = _columns(connection, "cases_caseevent")
        audit_columns = _columns(connection, "core_auditentry")
        template = connection.execute(
            "SELECT id FROM submissions_submission WHERE channel = 'api' ORDER BY submitted_at LIMIT 1"
        ).fetchone()
        case_template = connection.execute(
            "SELECT id FROM cases_case WHERE submission_id = %s", (template[0] if template else None,)
        ).fetchone()
        event_template = connection.execute(
            "SELECT id FROM cases_caseevent WHERE case_id = %s ORDER BY id LIMIT 1",
            (case_template[0] if case_template else None,),
        ).fetchone()
        task_template = connection.execute(
            "SELECT id FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE 'amtsweg.submissions.%%' LIMIT 1"
        ).fetchone()
        audit_template = connection.execute(
            "SELECT id FROM core_auditentry WHERE action = 'submission.received' LIMIT 1"
        ).fetchone()
    if None in (template, task_template, case_template, event_template, audit_template):
        harness.fail("Für die Vergleichsmessung fehlt ein gespeicherter Antrag aus der API-Messung.")
    insert_submission = _copy_statement(
        submission_columns,
        "submissions_submission",
        {
            "id": "%(id)s",
            "reference": "%(reference)s",
            "idempotency_key": "%(key)s",
            "submitted_at": "now()",
            "created_at": "now()",
            "updated_at": "now()",
        },
        "id",
    )
    insert_task = _copy_statement(
        task_columns, "django_tasks_database_dbtaskresult", {"id": "%(id)s", "enqueued_at": "now()"}, "id"
    )
    insert_case = (
        _copy_statement(
            case_columns,
            "cases_case",
            {
                "reference": "%(reference)s",
                "submission_id": "%(submission)s",
                "received_at": "now()",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "id",
        )
        + " RETURNING id"
    )
    insert_event = _copy_statement(
        event_columns, "cases_caseevent", {"case_id": "%(case)s", "at": "now()"}, "id"
    )
    insert_audit = _copy_statement(
        audit_columns,
        "core_auditentry",
        {
            "occurred_at": "now()",
            "id": "%(id)s",
            "lane": "%(lane)s",
            "object_id": "%(object)s",
            "previous_hash": "%(previous)s",
            "entry_hash": "%(hash)s",
        },
        "id",
    )
    lock = threading.Lock()
    name = "Baseline: bare insert"
    if with_audit:
        name += " + audit, one chain head (before 0022)" if single_head else " + audit, free lane (0022)"
    result = Measured(name, seconds)

    def client(deadline: float, record: bool) -> None:
        latencies: list[float] = []
        with psycopg.connect(database_url) as connection:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                new_id = uuid.uuid4()
                with connection.transaction():
                    connection.execute(
                        insert_submission,
                        {
                            "id": new_id,
                            "reference": f"BENCH-{new_id.hex[:20]}",
                            "key": f"bench:{new_id.hex}",
                            "template": template[0],
                        },
                    )
                    connection.execute(insert_task, {"id": uuid.uuid4(), "template": task_template[0]})
                    case = connection.execute(
                        insert_case,
                        {
                            "reference": f"BENCH-{new_id.hex[:20]}",
                            "submission": new_id,
                            "template": case_template[0],
                        },
                    ).fetchone()
                    connection.execute(insert_event, {"case": case[0], "template": event_template[0]})
                    if with_audit:
                        # As audit_record does on PostgreSQL: a free lane of the chain, then the entry.
                        lane = (
                            connection.execute(LANE_WAIT, (1,)).fetchone()
                            if single_head
                            else connection.execute(LANE_FREE).fetchone()
                        ) or connection.execute(LANE_WAIT, (random.randint(1, 16),)).fetchone()
                        assert lane is not None
                        entry_hash = hashlib.sha256(new_id.bytes).hexdigest()
                        connection.execute(
                            insert_audit,
                            {
                                "id": lane[2],
                                "lane": lane[0],
                                "object": str(new_id),
                                "previous": lane[1],
                                "hash": entry_hash,
                                "template": audit_template[0],
                            },
                        )
                        connection.execute(
                            "UPDATE core_auditchainhead SET last_hash = %s WHERE id = %s",
                            (entry_hash, lane[0]),
                        )
                latencies.append(time.perf_counter() - started)
        if record:
            with lock:
                result.latencies.extend(latencies)

    for phase_seconds, record in ((WARMUP_SECONDS, False), (seconds, True)):
        started = time.perf_counter()
        threads = [
            threading.Thread(target=client, args=(started + phase_seconds, record), daemon=True)
            for _ in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if record:
            result.seconds = time.perf_counter() - started
    return result


# ---- preparation and report ------------------------------------------------------------------------------


def _prepare(env: dict[str, str], database_url: str) -> None:
    print("Vorbereitung:")
    harness.recreate_database(database_url)
    harness.run_amtsweg(env, "migrate", "--noinput")
    harness.run_amtsweg(env, "load-demo")
    _import_large_form(env)
    harness.run_amtsweg(env, "collectstatic", "--noinput")
    row = harness.query_one(
        database_url,
        "SELECT count(*) FROM forms_formversion v JOIN forms_form f ON f.id = v.form_id "
        "WHERE f.key = %s AND v.status = 'veroeffentlicht'",
        FORM_KEY,
    )
    if not row or not row[0]:
        harness.fail(f"Die Demodaten enthalten kein veröffentlichtes Formular „{FORM_KEY}“.")


def _import_large_form(env: dict[str, str]) -> None:
    """The real FIM "Gewerbe Anmeldung" (132 fields) for the largest-step measurement.

    The demo ships only its own small FIM schemas (real ones may not be copied into the repository), so
    without this the largest demo form has 25 fields. Imported from AMTSWEG_SHARED_DATA through the same
    command an operator uses; without the file the measurement uses the largest demo form and says so.
    """
    shared = Path(env.get("AMTSWEG_SHARED_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data")
    path = shared / LARGE_FIM_FORM
    if not path.is_file():
        print(f"Hinweis: {path} fehlt; die Schrittmessung nimmt das größte Demo-Formular.")
        return
    harness.run_amtsweg(env, "import-fim", str(path), "--service", LARGE_FIM_LEIKA, "--publish")


def _step_setup(env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [*harness.amtsweg_command(), "shell", "-c", STEP_SETUP],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        harness.fail(f"Entwurf für die Schrittmessung ließ sich nicht anlegen:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _profile(env: dict[str, str]) -> dict[str, Any]:
    code = (
        PROFILE.replace("FORM_KEY", repr(FORM_KEY))
        .replace("AGS", repr(MUNICIPALITY_AGS))
        .replace("DATA", repr(json.dumps(APPLICATION)))
        .replace("COUNT", str(PROFILE_COUNT))
    )
    result = subprocess.run(
        [*harness.amtsweg_command(), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        harness.fail(f"Die Profilmessung schlug fehl:\n{result.stderr}")
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def _check_api(port: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    method, path, body, headers = submission_request()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    content = response.read().decode("utf-8", "replace")
    if response.status != 201:
        harness.fail(f"Die API nimmt den Benchmark-Antrag nicht an ({response.status}):\n{content}")


def _verify_audit(env: dict[str, str]) -> str:
    """``amtsweg verify-audit`` over every entry of the run (all lanes); fails the benchmark if broken."""
    result = subprocess.run(
        [*harness.amtsweg_command(), "verify-audit"], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        harness.fail(f"verify-audit findet Unstimmigkeiten:\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


def _lanes_used(database_url: str) -> int:
    row = harness.query_one(
        database_url, "SELECT count(DISTINCT lane) FROM core_auditentry WHERE action = 'submission.received'"
    )
    return int(str(row[0])) if row else 0


def _counts(database_url: str) -> tuple[int, int, int]:
    row = harness.query_one(
        database_url,
        "SELECT (SELECT count(*) FROM submissions_submission WHERE channel = 'api'), "
        "(SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE 'amtsweg.submissions.%%'), "
        "(SELECT count(*) FROM core_auditentry WHERE action = 'submission.received')",
    )
    assert row is not None
    return int(str(row[0])), int(str(row[1])), int(str(row[2]))


def _load_note(load_before: float) -> str:
    """The load at the end is the benchmark's own (clients, server and database on the same cores); the
    load at the start says whether other work shared the machine."""
    if load_before >= 1.5:
        return "other work on the shared machine slows every figure down; compare the ratios"
    return "an idle machine at the start; the load at the end is the benchmark's own"


def _report(
    api: Measured,
    more: Measured,
    bare: Measured,
    bare_audit: Measured,
    bare_single: Measured,
    health: Measured,
    step: Measured,
    step_info: dict[str, Any],
    clients: int,
    duration: float,
    pg_version: str,
    load_before: float,
    stored: tuple[int, int, int],
    profile: dict[str, Any],
    verified: str,
    lanes: int,
) -> str:
    machine = harness.machine()
    today = dt.datetime.now(dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M %Z")
    rows = [
        "| Scenario | Per second | p50 ms | p95 ms | p99 ms | Errors | vs. bare insert | vs. /health/ |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for measured in (api, more, health, bare_single, bare_audit, bare):
        rows.append(
            f"| {measured.name} | {measured.per_second:.0f} | {measured.percentile(0.5):.1f} "
            f"| {measured.percentile(0.95):.1f} | {measured.percentile(0.99):.1f} "
            f"| {sum(measured.errors.values())} "
            f"| {measured.per_second / bare.per_second:.2f} × "
            f"| {measured.per_second / health.per_second:.2f} × |"
        )
    step_row = (
        f"| Largest step of the largest form | {step_info['title']} ({step_info['fields']} fields) "
        f"| {step_info['step_title']} | {step_info['step_fields']} | {step.per_second:.0f} "
        f"| {step.percentile(0.5):.1f} | {step.percentile(0.95):.1f} | {sum(step.errors.values())} |"
    )
    phases = profile["phases"]
    total = phases["total"] or 1.0
    profile_rows = "\n".join(
        f"| {label} | {phases[key]:.2f} | {phases[key] / total * 100:.0f} % |"
        for key, label in (
            ("validation", "Validation against the form version (cached validator)"),
            ("responsibility", "Responsibility (cached 10 s per process)"),
            ("insert", "Insert of the submission, reference number, transaction"),
            ("enqueue", "Enqueue of the follow-up task (one insert)"),
            ("hooks", "Handlers of other apps (e.g. the case for the submission)"),
            ("audit", "Audit entry (free lane locked, insert, update of the lane head)"),
        )
    )
    workers_note = (
        f"**Workers.** With {MORE_WORKERS} gunicorn workers (what `amtsweg serve` starts by default on "
        f"{machine['cores']} cores: two per core) the intake reached {more.per_second:.0f}/s, with {WORKERS} "
        f"{api.per_second:.0f}/s. A submission locks one free lane of the audit chain (`FOR UPDATE SKIP "
        "LOCKED`, decision 0022) instead of the one chain head, so writers no longer queue behind each "
        "other; "
        f"the submissions of this run went to {lanes} lanes."
    )
    ratio = api.per_second / bare.per_second if bare.per_second else 0.0
    lanes_ratio = bare_audit.per_second / bare.per_second if bare.per_second else 0.0
    single_ratio = bare_single.per_second / bare.per_second if bare.per_second else 0.0
    lanes_gain = bare_audit.per_second / bare_single.per_second if bare_single.per_second else 0.0
    ratio_verdict = (
        f"**reached** ({ratio:.2f} ×)" if ratio >= TARGET_RATIO else f"**not reached**: {ratio:.2f} ×"
    )
    verdict = (
        f"**reached** ({api.per_second:.0f}/s)"
        if api.per_second >= TARGET_PER_SECOND
        else f"**not reached**: {api.per_second:.0f}/s"
    )
    return f"""
## Intake of submissions (`benchmarks/intake.py`)

Measured {today} by `make bench` on {machine["cpu"]}, **{machine["cores"]} cores**, {machine["memory"]},
{machine["system"]}, Python {machine["python"]}, PostgreSQL {pg_version}, gunicorn {gunicorn.__version__}
({WORKERS} sync workers); load average {load_before:.2f} when the run started and {os.getloadavg()[0]:.2f} at
its end ({_load_note(load_before)}).

{chr(10).join(rows)}

| Page | Form | Step | Fields on the step | Requests/s | p50 ms | p95 ms | Errors |
|---|---|---|---:|---:|---:|---:|---:|
{step_row}

Target ≥ {TARGET_PER_SECOND} submissions/s end to end on 2 cores: {verdict}; target ≥ {TARGET_RATIO} × the
bare insert of the same rows in the same run: {ratio_verdict}. After the run the database
held {stored[0]} API submissions, {stored[1]} queued tasks of them and {stored[2]} audit entries
"submission.received" – one task and one audit entry per submission, none lost; `amtsweg verify-audit`
afterwards: "{verified}".

{workers_note}

**Audit lanes.** At the database level the audit entry through a free lane reached
{lanes_ratio:.2f} × the bare insert, through the one chain head used before decision
0022 {single_ratio:.2f} × ({lanes_gain:.1f} ×
as many transactions per second): the audit log no longer makes all submissions commit one after the other.
Through the API the gap to the bare insert is the application's own time per submission (below), with
server, database and load generator sharing two cores.

**Where the time goes.** `submission_create` called {PROFILE_COUNT} times in one process against the same
database (no HTTP): {profile["plain_ms"]:.1f} ms per submission without profiler; shares under `cProfile`
(which slows everything down evenly, so read the shares, not the milliseconds):

| Part | ms (profiled) | Share |
|---|---:|---:|
{profile_rows}

The rest of a request's time is Django's middleware, django-ninja and JSON (see the /health/ baseline) and the
load generator, which shares the two cores.

**Method.** `amtsweg serve --workers {WORKERS}` (gunicorn sync workers, no access log, `DEBUG` off),
PostgreSQL on the same machine with its default durability (`synchronous_commit=on`, fsync), the full demo
data. {clients} closed-loop clients (Python threads, `http.client`) send
`POST /api/v1/formulare/{FORM_KEY}/antraege` with a complete application (person, one dog; the form has
show/require/check rules) and a fresh `Idempotency-Key`
for {duration:.0f} s after a {WARMUP_SECONDS:.0f} s warm-up; only 201 answers count. Each request parses
JSON, validates against the exact published form version (cached compiled validator), resolves the responsible
office, and stores submission, follow-up task, case (routed, with deadlines and its first history entry)
and the audit entry in one transaction. The worker does not run during the measurement (the tasks stay
queued). The load generator shares the cores with server and database, so the figures are lower bounds.

**Baseline.** The same rows inserted directly with psycopg from {clients} connections, one transaction per
submission (copies of a stored submission, its task row, its case and the case's first history row):
without and with the audit entry plus the update of the head of a free lane of the audit chain (as
`audit_record` does), and once more with every audit entry through one locked chain head, as before decision
0022. "vs. bare insert" divides by the bare insert without audit. The difference between the baselines is
what the hash-chained audit log costs in the database, with lanes and with the one head.

**Largest step.** `GET` of the step with the most fields of the published form with the most fields,
{clients} clients, same duration, with a session that may open the draft (all steps marked done).
"""


def main() -> None:
    database_url = os.environ.get("BENCH_DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    if not database_url.startswith(("postgres://", "postgresql://")):
        harness.fail(
            "Der Benchmark braucht PostgreSQL: BENCH_DATABASE_URL=postgres://…/amtsweg_bench setzen."
        )
    duration = float(os.environ.get("BENCH_DURATION", "20"))
    # BENCH_REUSE=1: measure again on the database an earlier run prepared (migrated, demo loaded), keep it;
    # static files are then not collected (STATIC_MANIFEST off), which the measured requests do not use.
    reuse = os.environ.get("BENCH_REUSE") == "1"
    clients = int(os.environ.get("BENCH_CLIENTS", "16"))
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "AMTSWEG_ENVIRONMENT": "development",
            "DEBUG": "false",
            "STATIC_MANIFEST": "false" if reuse else "true",
            "AMTSWEG_DATA_DIR": tmp,
            "STATIC_ROOT": str(Path(tmp) / "static"),
            "LOG_LEVEL": "WARNING",
            "AMTSWEG_API_ANON_RATE": "",
        }
        if not reuse:
            _prepare(env, database_url)
        pg_row = harness.query_one(database_url, "SHOW server_version")
        pg_version = str(pg_row[0]).split()[0] if pg_row else "?"
        step_info = _step_setup(env)
        port = harness.free_port()
        with harness.server(env, port, WORKERS):
            _check_api(port)
            print(f"\nMessung: {clients} Clients, je {WARMUP_SECONDS:.0f} s Aufwärmen + {duration:.0f} s")
            api = run_http(
                "Intake through the API (validate, route, store, enqueue, audit)",
                port,
                submission_request,
                201,
                clients,
                duration,
            )
            print(
                f"  API: {api.per_second:.0f}/s, p50 {api.percentile(0.5):.1f} ms, "
                f"p95 {api.percentile(0.95):.1f} ms"
            )
            health = run_http(
                "Baseline: /health/ (Django without work)",
                port,
                lambda: ("GET", "/health/", None, {"Accept-Language": "de"}),
                200,
                clients,
                duration,
            )
            print(f"  /health/: {health.per_second:.0f}/s")
            cookie = {"Cookie": f"sessionid={step_info['session']}", "Accept-Language": "de"}
            step = run_http(
                "Largest step", port, lambda: ("GET", step_info["path"], None, cookie), 200, clients, duration
            )
            print(f"  Schritt „{step_info['step_title']}“: p95 {step.percentile(0.95):.1f} ms")
        more_port = harness.free_port()
        with harness.server(env, more_port, MORE_WORKERS):
            _check_api(more_port)
            more = run_http(
                f"Intake through the API, {MORE_WORKERS} workers",
                more_port,
                submission_request,
                201,
                clients,
                duration,
            )
            print(f"  API mit {MORE_WORKERS} Prozessen: {more.per_second:.0f}/s")
        stored = _counts(database_url)
        lanes = _lanes_used(database_url)
        profile = _profile(env)
        print(f"  Profil: {profile['plain_ms']:.1f} ms je Antrag im Prozess")
        verified = _verify_audit(env)  # before the bare inserts, whose audit rows are not real entries
        print(f"  verify-audit: {verified}")
        bare = run_bare_insert(database_url, clients, duration, with_audit=False)
        print(f"  Bare insert: {bare.per_second:.0f}/s")
        bare_audit = run_bare_insert(database_url, clients, duration, with_audit=True)
        print(f"  Bare insert + Audit (Ketten): {bare_audit.per_second:.0f}/s")
        bare_single = run_bare_insert(database_url, clients, duration, with_audit=True, single_head=True)
        print(f"  Bare insert + Audit (ein Kettenkopf): {bare_single.per_second:.0f}/s")
        if not reuse:
            harness.drop_database(database_url)
    for measured in (api, more, step):
        for kind, count in measured.errors.most_common(3):
            print(f"  Fehler bei {measured.name}: {count} × {kind}")
    if api.count == 0:
        harness.fail("Die Annahme hat keinen einzigen Antrag erfolgreich beantwortet.")
    report = _report(
        api,
        more,
        bare,
        bare_audit,
        bare_single,
        health,
        step,
        step_info,
        clients,
        duration,
        pg_version,
        load_before,
        stored,
        profile,
        verified,
        lanes,
    )
    harness.write_section("intake", report)
    print(report)
    print(
        f"\n{harness.PERFORMANCE_DOC.relative_to(harness.ROOT)} aktualisiert "
        f"({time.perf_counter() - started:.0f} s)."
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.CalledProcessError as error:
        harness.fail(str(error))
