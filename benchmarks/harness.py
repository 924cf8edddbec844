"""Shared parts of the benchmarks: a throw-away PostgreSQL database, the `amtsweg` command, the real
server as a subprocess, a description of the machine, and the section of docs/performance.md."""

from __future__ import annotations

import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
PERFORMANCE_DOC = ROOT / "docs" / "performance.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/amtsweg_bench"


def fail(message: str) -> NoReturn:
    print(f"\nAbbruch: {message}", file=sys.stderr)
    raise SystemExit(1)


def amtsweg_command() -> list[str]:
    script = Path(sys.executable).with_name("amtsweg")
    return [str(script)] if script.exists() else [sys.executable, "-m", "amtsweg.cli"]


def recreate_database(url: str, marker: str = "bench", template: str = "") -> None:
    """Drop and create the benchmark database (as a copy of the database ``template`` names, if given).
    Refuses names without ``marker``: it deletes data."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        fail(f"Die Datenbankadresse muss eine PostgreSQL-Datenbank nennen, nicht {url!r}.")
    if marker not in name:
        fail(f"Die Datenbank {name!r} wird gelöscht; ihr Name muss darum „{marker}“ enthalten.")
    admin_url = parts._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            if template:
                source = urlsplit(template).path.lstrip("/")
                connection.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(source)
                    )
                )
            else:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.OperationalError as error:
        fail(f"PostgreSQL ist nicht erreichbar ({error}).")


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(parts.path.lstrip("/")))
        )


def query_one(url: str, query: str, *params: object) -> tuple[object, ...] | None:
    with psycopg.connect(url) as connection:
        return connection.execute(query, params).fetchone()


def run_amtsweg(env: dict[str, str], *args: str) -> None:
    started = time.perf_counter()
    print(f"  amtsweg {' '.join(args)}", end=" ", flush=True)
    result = subprocess.run([*amtsweg_command(), *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print()
        fail(f"`amtsweg {' '.join(args)}` schlug fehl:\n{result.stdout}\n{result.stderr}")
    print(f"({time.perf_counter() - started:.1f} s)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def server(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen[bytes]]:
    """`amtsweg serve` as it runs in production, without access log (it would measure the terminal)."""
    command = [*amtsweg_command(), "serve", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    process = subprocess.Popen(
        [*command, "--no-access-log"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                fail(
                    f"Der Server startete nicht:\n{process.stderr.read().decode() if process.stderr else ''}"
                )
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    fail("Der Server antwortet nach 60 Sekunden nicht.")
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fetch(port: int, path: str) -> tuple[int, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "de"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists() and (match := re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())):
        cpu = match.group(1).strip()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists() and (match := re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())):
        memory = f"{int(match.group(1)) / 1024 / 1024:.1f} GB RAM"
    return {
        "cores": str(os.cpu_count() or 1),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def write_section(key: str, markdown: str) -> None:
    """Replace this benchmark's section of docs/performance.md (between its markers), keep the others."""
    start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    text = PERFORMANCE_DOC.read_text(encoding="utf-8") if PERFORMANCE_DOC.exists() else _performance_intro()
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    PERFORMANCE_DOC.write_text(text, encoding="utf-8")


def _performance_intro() -> str:
    return (
        "# Performance\n\n"
        "Every capability has a benchmark under `benchmarks/` that measures its pages or jobs against\n"
        "a named baseline in the same run and writes its section of this page. Benchmarks are not timed\n"
        "tests: the figures describe one machine on one day; the ratios to the baseline are what to\n"
        "compare over time.\n"
    )
