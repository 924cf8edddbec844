"""Chaos test: nothing acknowledged is lost when web and task workers die with ``kill -9`` under load.

Run with `make chaos` (60 s of load) or `python benchmarks/chaos.py --short` (CI: 15 s of load).
Needs PostgreSQL: it creates the database named by --database-url (default
postgres://postgres@127.0.0.1:5432/amtsweg_chaos; the name must contain "chaos"), migrates it, creates a
published form (the test world of the submissions tests) and starts the real processes:
``amtsweg serve`` (gunicorn, 3 workers) and two ``amtsweg worker`` with a short lease. Then:

1. **Load**: concurrent clients POST complete applications to the submissions API, each with its own
   Idempotency-Key. A client that gets no answer or a 5xx sends the same request again with the same key
   (as any client should), until it is acknowledged (201/200).
2. **Chaos**, meanwhile: ``kill -9`` of a gunicorn worker (the master starts a new one), of a whole app server
   (process group: master and workers, then restarted as a supervisor would), and of a task worker, preferably
   one that is running a task (restarted too).
3. **Checks**, after the queue has drained: every acknowledged application exists exactly once, under the
   reference the client was given, with exactly one case; every key made one application; every follow-up
   task succeeded, every application has its receipt PDF and its confirmation e-mail was recorded as sent;
   ``amtsweg verify-audit`` passes. E-mails are written as files; one that went out twice (the worker died
   between the mail server's OK and the commit: at least once, in practice once) is reported, not failed.

With ``--base-url`` the processes are not started here but already run (``scripts/prod-layout.sh``): the
load goes to that address (nginx), ``--app-pidfile`` names app servers of which one is killed mid-run
(process group), ``--worker-pidfile`` task workers of which one is killed, and ``--restart`` is a command that
starts what is missing again.

Exit code 0 when every check passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import email
import email.header
import http.client
import json
import os
import random
import re
import shlex
import shutil
import signal
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import psycopg

import harness

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/amtsweg_chaos"

# Run inside `amtsweg shell`: the published form and municipality the clients apply for.
SETUP = """
import json
from amtsweg.submissions.tests.test_intake_fixtures import FORM_KEY, build_world, valid_data
from amtsweg.tenants.models import Authority
if not Authority.objects.filter(ags="05558016").exists():  # a second run in the same database reuses it
    build_world()
print("CHAOS-SETUP " + json.dumps({"form": FORM_KEY, "municipality": "05558016", "data": valid_data()}))
"""


def pending_tasks(url: str) -> int:
    """Tasks not finished yet (READY or RUNNING)."""
    row = harness.query_one(
        url, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE status IN ('READY', 'RUNNING')"
    )
    return int(str(row[0])) if row else -1


def database_report(url: str, acks: dict[str, str]) -> dict[str, Any]:
    """What the database holds, compared with what the clients were told (``acks``: key -> reference)."""
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT s.reference, s.idempotency_key, s.receipt_pdf, s.receipt_emailed_at, s.applicant_email,"
            " (SELECT count(*) FROM cases_case c WHERE c.submission_id = s.id)"
            " FROM submissions_submission s"
        ).fetchall()
        tasks: dict[str, int] = dict(
            connection.execute(
                "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
            ).fetchall()
        )
        rerun = connection.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE jsonb_array_length(worker_ids) > 1"
        ).fetchone()
    by_reference = Counter(row[0] for row in rows)
    stored = {key.split(":", 2)[-1]: reference for reference, key, *_ in rows}  # "api:anonym:<key>"
    return {
        "submissions": len(rows),
        "missing": [ref for ref in acks.values() if by_reference[ref] == 0],
        "duplicated": [ref for ref, n in by_reference.items() if n > 1],
        "wrong_reference": [ref for key, ref in acks.items() if key in stored and stored[key] != ref],
        "without_case": [row[0] for row in rows if row[5] == 0],
        "several_cases": [row[0] for row in rows if row[5] > 1],
        "without_receipt": [row[0] for row in rows if not row[2]],
        "without_confirmation": [row[0] for row in rows if row[4] and row[3] is None],
        "tasks": tasks,
        "reclaimed": int(rerun[0]) if rerun else 0,
    }


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def shell(env: dict[str, str], code: str, marker: str) -> str:
    result = subprocess.run(
        [*harness.amtsweg_command(), "shell", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    for line in result.stdout.splitlines():
        if line.startswith(marker):
            return line[len(marker) :].strip()
    raise SystemExit(f"`amtsweg shell` schlug fehl:\n{result.stdout}\n{result.stderr}")


# ---- processes ----------------------------------------------------------------------------------------


@dataclass
class Managed:
    """A process started by us in its own process group, restarted after a kill as a supervisor would."""

    name: str
    command: list[str]
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    kills: int = 0

    def start(self) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def kill_group(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.kills += 1

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        path = task / "children"
        if path.exists():
            found += [int(child) for child in path.read_text().split()]
    return found


def open_connection(parts: SplitResult, source: tuple[str, int] | None = None) -> http.client.HTTPConnection:
    """HTTP or HTTPS (the local layout's nginx has a self-signed certificate: not verified)."""
    host = parts.hostname or "127.0.0.1"
    if parts.scheme == "https":
        context = ssl._create_unverified_context()  # noqa: S323 - our own local test certificate
        return http.client.HTTPSConnection(
            host, parts.port or 443, timeout=30, source_address=source, context=context
        )
    return http.client.HTTPConnection(host, parts.port or 80, timeout=30, source_address=source)


def wait_for_health(base_url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    parts = urlsplit(base_url)
    while time.monotonic() < deadline:
        try:
            connection = open_connection(parts)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    harness.fail(f"{base_url} antwortet nicht.")


# ---- load ---------------------------------------------------------------------------------------------


@dataclass
class Load:
    base_url: str
    path: str
    municipality: str
    data: dict[str, Any]
    deadline: float
    acks: dict[str, str] = field(default_factory=dict)  # key -> reference
    retries: Counter[str] = field(default_factory=Counter)  # what made a client send again
    abandoned: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self, number: int) -> None:
        parts = urlsplit(self.base_url)
        source = (f"127.0.1.{number % 250 + 1}", 0) if parts.hostname == "127.0.0.1" else None
        while time.monotonic() < self.deadline:
            key = f"chaos-{uuid.uuid4()}"
            reference = self._submit(parts, source, key)
            with self.lock:
                if reference is None:
                    self.abandoned.append(key)
                else:
                    self.acks[key] = reference

    def _submit(self, parts: SplitResult, source: tuple[str, int] | None, key: str) -> str | None:
        headers = {"Content-Type": "application/json", "Idempotency-Key": key, "Accept-Language": "de"}
        # Each application its own address: no per-address limit on confirmation e-mails interferes.
        applicant = {**self.data["antragsteller"], "email": f"{key}@example.org"}
        body = json.dumps(
            {"municipality": self.municipality, "data": {**self.data, "antragsteller": applicant}}
        )
        give_up = time.monotonic() + 90
        while time.monotonic() < give_up:
            try:
                connection = open_connection(parts, source)
                connection.request("POST", self.path, body=body.encode(), headers=headers)
                response = connection.getresponse()
                content = response.read()
                connection.close()
            except (OSError, http.client.HTTPException) as error:
                self._count(type(error).__name__)
                time.sleep(0.2)
                continue
            if response.status in (200, 201):
                return str(json.loads(content)["reference"])
            self._count(f"HTTP {response.status}")
            if response.status == 429:
                time.sleep(float(response.getheader("Retry-After") or 1))
            elif response.status < 500:
                log(f"Unerwartete Antwort {response.status}: {content[:300]!r}")
                return None
            else:
                time.sleep(0.2)
        return None

    def _count(self, reason: str) -> None:
        with self.lock:
            self.retries[reason] += 1


# ---- chaos --------------------------------------------------------------------------------------------


def kill_from_pidfiles(pidfiles: list[Path]) -> bool:
    """``kill -9`` the process group of the first process of ``pidfiles`` that is alive."""
    for pidfile in pidfiles:
        try:
            os.killpg(os.getpgid(int(pidfile.read_text().strip())), signal.SIGKILL)
        except (OSError, ValueError):
            continue
        return True
    return False


@dataclass
class Chaos:
    server: Managed | None
    workers: list[Managed]
    app_pids: list[Path]
    worker_pids: list[Path]
    restart: str
    env: dict[str, str]
    events: Counter[str] = field(default_factory=Counter)

    def kill_web_worker(self) -> None:
        if self.server is None or self.server.process is None:
            return
        pids = children(self.server.process.pid)
        if pids:
            os.kill(random.choice(pids), signal.SIGKILL)
            self.events["gunicorn-Worker (kill -9)"] += 1

    def kill_app_server(self) -> None:
        if self.server is not None:
            self.server.kill_group()
            self.events["App-Server mit allen Workern (kill -9)"] += 1
            time.sleep(1)
            self.server.start()
            return
        if kill_from_pidfiles(self.app_pids[:1]):
            self.events["ein App-Server hinter nginx (kill -9)"] += 1

    def kill_task_worker(self) -> None:
        if self.workers:
            worker = random.choice(self.workers)
            time.sleep(random.random() * 0.5)  # somewhere inside a task, not always at its start
            worker.kill_group()
            self.events["Aufgaben-Worker (kill -9)"] += 1
            worker.start()
            return
        if kill_from_pidfiles(random.sample(self.worker_pids, len(self.worker_pids))):
            self.events["Aufgaben-Worker (kill -9)"] += 1
            self.restart_missing()

    def restart_missing(self) -> None:
        if self.restart:
            subprocess.run(shlex.split(self.restart), env=self.env, check=False, capture_output=True)

    def run(self, deadline: float, every: float) -> None:
        actions = [self.kill_web_worker, self.kill_task_worker, self.kill_web_worker, self.kill_task_worker]
        step = 0
        app_server_killed = False
        while time.monotonic() + every < deadline:
            time.sleep(every)
            if not app_server_killed and step >= 2:
                self.kill_app_server()
                app_server_killed = True
            else:
                actions[step % len(actions)]()
            step += 1


# ---- main ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--short", action="store_true", help="kurze Form für CI (etwa eine Minute)")
    parser.add_argument("--duration", type=float, default=None, help="Sekunden Last (Standard 60, kurz 15)")
    parser.add_argument("--clients", type=int, default=None, help="Clients (Standard 6, kurz 3)")
    parser.add_argument("--database-url", default=os.environ.get("CHAOS_DATABASE_URL", DEFAULT_DATABASE_URL))
    parser.add_argument("--base-url", default="", help="Last an diese Adresse, Prozesse laufen schon")
    parser.add_argument("--app-pidfile", action="append", default=[], type=Path)
    parser.add_argument("--worker-pidfile", action="append", default=[], type=Path)
    parser.add_argument("--restart", default="", help="Befehl, der fehlende Prozesse wieder startet")
    parser.add_argument("--keep", action="store_true", help="Datenbank und Dateien danach nicht löschen")
    args = parser.parse_args()
    duration = args.duration or (15.0 if args.short else 60.0)
    clients_count = args.clients or (3 if args.short else 6)
    external = bool(args.base_url)

    workdir = Path(tempfile.mkdtemp(prefix="amtsweg-chaos-"))
    env = dict(os.environ)
    if not external:
        name = urlsplit(args.database_url).path.lstrip("/")
        if "chaos" not in name:
            harness.fail(f"Die Datenbank {name!r} wird gelöscht; ihr Name muss darum „chaos“ enthalten.")
        env.update(
            {
                "DATABASE_URL": args.database_url,
                "AMTSWEG_DATA_DIR": str(workdir),
                "MEDIA_ROOT": str(workdir / "media"),
                "AMTSWEG_MAIL_DIR": str(workdir / "mail"),
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "STATIC_MANIFEST": "false",
                "AMTSWEG_API_ANON_RATE": "",
                # All load comes from one address: no limit per client on confirmation e-mails.
                "AMTSWEG_MAILS_PER_CLIENT": "0",
                "AMTSWEG_TASK_LEASE_SECONDS": "3",
                "LOG_LEVEL": "WARNING",
            }
        )
        log(f"Lege die Datenbank {name} an und migriere sie")
        harness.recreate_database(args.database_url, marker="chaos")
        harness.run_amtsweg(env, "migrate", "--noinput", "-v", "0")
    else:
        env.setdefault("DATABASE_URL", args.database_url)
    setup = json.loads(shell(env, SETUP, "CHAOS-SETUP"))
    path = f"/api/v1/formulare/{setup['form']}/antraege"

    server: Managed | None = None
    workers: list[Managed] = []
    base_url = args.base_url
    try:
        if not external:
            port = harness.free_port()
            base_url = f"http://127.0.0.1:{port}"
            command = harness.amtsweg_command()
            server = Managed(
                "server",
                [*command, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "3", "--timeout", "20"],
                env,
                workdir / "server.log",
            )
            server.start()
            workers = [
                Managed(
                    f"worker-{n}",
                    [*command, "worker", "--interval", "0.2", "--no-schedule"],
                    env,
                    workdir / f"worker-{n}.log",
                )
                for n in (1, 2)
            ]
            for worker in workers:
                worker.start()
        wait_for_health(base_url)
        log(f"Last: {clients_count} Clients für {duration:.0f} s gegen {base_url}{path}, dabei kill -9")

        started = time.monotonic()
        load = Load(base_url, path, setup["municipality"], setup["data"], started + duration)
        clients = [threading.Thread(target=load.client, args=(n,)) for n in range(clients_count)]
        for thread in clients:
            thread.start()
        chaos = Chaos(server, workers, args.app_pidfile, args.worker_pidfile, args.restart, env)
        chaos.run(started + duration, every=max(duration / 8, 2.0))
        for thread in clients:
            thread.join()
        if external:
            chaos.restart_missing()
        log(
            f"{len(load.acks)} Anträge bestätigt, {len(load.abandoned)} aufgegeben; erneut gesendet wegen: "
            + (", ".join(f"{reason} ×{n}" for reason, n in load.retries.most_common()) or "nichts")
        )
        log("Eingriffe: " + ", ".join(f"{what} ×{n}" for what, n in chaos.events.items()))

        # Wait while the workers make progress; give up when nothing moved for a while.
        stall_limit = 45.0 if args.short else 90.0
        pending, best, last_progress = -1, None, time.monotonic()
        while time.monotonic() - last_progress < stall_limit:
            pending = pending_tasks(env["DATABASE_URL"])
            if pending == 0:
                break
            if best is None or pending < best:
                best, last_progress = pending, time.monotonic()
            time.sleep(2)
        waited = time.monotonic() - started - duration
        log(f"Warteschlange leer nach {waited:.0f} s" if pending == 0 else f"Noch {pending} Aufgaben offen")
        report = database_report(env["DATABASE_URL"], load.acks)
        audit = subprocess.run(
            [*harness.amtsweg_command(), "verify-audit"], env=env, capture_output=True, text=True, check=False
        )
    finally:
        for process in [server, *workers]:
            if process is not None:
                process.stop()

    mails = mail_count(workdir / "mail") if not external else Counter()
    ok = check(report, load, pending, audit, mails, external, chaos)
    if not args.keep and not external:
        harness.drop_database(args.database_url)
    if not ok:
        log(f"Protokolle der Prozesse: {workdir}")
        raise SystemExit(1)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    log("Chaos-Test bestanden: nichts Bestätigtes verloren, nichts doppelt, alle Folgeaufgaben erledigt.")


def mail_count(folder: Path) -> Counter[str]:
    """Confirmation e-mails per reference, from the file e-mail backend's files."""
    counts: Counter[str] = Counter()
    for path in folder.glob("*.log"):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip())
            subject = str(email.header.make_header(email.header.decode_header(message.get("Subject", ""))))
            for reference in re.findall(r"AW-[0-9A-Za-z-]+", subject):
                counts[reference] += 1
    return counts


def check(
    report: dict[str, Any],
    load: Load,
    pending: int,
    audit: subprocess.CompletedProcess[str],
    mails: Counter[str],
    external: bool,
    chaos: Chaos,
) -> bool:
    problems = []
    for name, meaning in (
        ("missing", "bestätigt, aber nicht gespeichert"),
        ("duplicated", "doppelt gespeichert"),
        ("wrong_reference", "unter anderem Aktenzeichen gespeichert als bestätigt"),
        ("without_case", "ohne Vorgang"),
        ("several_cases", "mit mehreren Vorgängen"),
        ("without_receipt", "ohne Eingangsbestätigung (PDF)"),
        ("without_confirmation", "ohne verschickte Bestätigungs-E-Mail"),
    ):
        if report[name]:
            problems.append(f"{len(report[name])} Anträge {meaning}: {report[name][:5]}")
    if not load.acks:
        problems.append("kein einziger Antrag wurde bestätigt")
    if not external and report["submissions"] != len(load.acks) + len(load.abandoned) and load.abandoned:
        log(f"Hinweis: {len(load.abandoned)} Anträge ohne Bestätigung aufgegeben (dürfen fehlen)")
    if not external and report["submissions"] < len(load.acks):
        problems.append(f"{report['submissions']} gespeichert, aber {len(load.acks)} bestätigt")
    if pending:
        problems.append(f"{pending} Folgeaufgaben nicht erledigt")
    unfinished = {status: n for status, n in report["tasks"].items() if status != "SUCCESSFUL"}
    if unfinished:
        problems.append(f"Folgeaufgaben nicht erfolgreich: {unfinished}")
    if audit.returncode != 0:
        problems.append(f"verify-audit: {audit.stdout.strip()} {audit.stderr.strip()}")
    if not chaos.events:
        problems.append("es wurde nichts abgeschossen (Last zu kurz?)")
    log(
        f"Gespeichert: {report['submissions']} Anträge, Aufgaben {report['tasks']}, "
        f"nach totem Worker oder Fehler erneut gelaufen: {report['reclaimed']}; {audit.stdout.strip()}"
    )
    if mails:
        twice = [reference for reference, n in mails.items() if n > 1]
        log(f"E-Mails: {sum(mails.values())} Bestätigungen für {len(mails)} Anträge; doppelt: {len(twice)}")
        missing_mail = [ref for ref in load.acks.values() if mails[ref] == 0]
        if missing_mail:
            problems.append(f"{len(missing_mail)} Anträge ohne Bestätigungs-E-Mail: {missing_mail[:5]}")
    for problem in problems:
        log(f"FEHLER: {problem}")
    return not problems


if __name__ == "__main__":
    main()
