"""Backup and restore drill: dump database and files, restore both into fresh places, prove they are complete.

Called by scripts/backup-restore-drill.sh (see there). Reads DATABASE_URL and MEDIA_ROOT like every amtsweg
command; needs pg_dump and pg_restore of the server's major version (Debian: postgresql-client).

1. Backup: the row count of every table is taken in a REPEATABLE READ snapshot, and ``pg_dump`` dumps that
   very snapshot (``--snapshot``), so counts and dump agree even while the system writes. Then the file folder
   is packed (after the dump: files are only added or deleted with their row, never changed, so every file the
   dump names is in the archive unless it was deleted in between).
2. Restore into a new database (``<name>_restore_drill``) and a new folder.
3. Checks: every table has the same number of rows; ``amtsweg verify-audit`` passes on the restored database;
   every file that a row of the restored database names (any FileField) exists in the restored folder.
4. The restored database and folder are deleted again (``--keep`` keeps them); the backup stays in ``--out``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
AMTSWEG = [str(Path(sys.executable).with_name("amtsweg"))]

# Run inside `amtsweg shell` on the restored database: files that rows name but the storage lacks.
MISSING_FILES = """
from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
named = missing = 0
examples = []
for model in apps.get_models():
    for field in model._meta.concrete_fields:
        if isinstance(field, models.FileField):
            for name in model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                if not name:
                    continue
                named += 1
                if not default_storage.exists(name):
                    missing += 1
                    examples.append(name)
print("DRILL-FILES", named, missing, " ".join(examples[:5]))
"""


def log(message: str) -> None:
    print(f"== {message}", flush=True)


def admin_url(url: str) -> str:
    return urlsplit(url)._replace(path="/postgres").geturl()


def with_name(url: str, name: str) -> str:
    return urlsplit(url)._replace(path=f"/{name}").geturl()


def table_counts(connection: psycopg.Connection) -> dict[str, int]:
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    counts = {}
    for (table,) in tables:
        row = connection.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        counts[table] = int(row[0]) if row else 0
    return counts


def run(command: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit(f"Fehlgeschlagen: {' '.join(command[:2])} …")
    return result


def backup(url: str, media: Path, out: Path) -> dict[str, int]:
    """Dump the database (one consistent snapshot, counted) and pack the files; returns the counts."""
    dump = out / "amtsweg.dump"
    with psycopg.connect(url) as connection:
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = connection.execute("SELECT pg_export_snapshot()").fetchone()
        snapshot = str(row[0]) if row else ""
        counts = table_counts(connection)
        run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", url])
        connection.execute("COMMIT")
    (out / "counts.json").write_text(json.dumps(counts, indent=1))
    with tarfile.open(out / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname="media")
    files = sum(1 for path in media.rglob("*") if path.is_file()) if media.exists() else 0
    log(f"Sicherung in {out}: {len(counts)} Tabellen, {sum(counts.values())} Zeilen, {files} Dateien")
    return counts


def restore(url: str, out: Path, target_db: str, target_media: Path) -> str:
    restored_url = with_name(url, target_db)
    with psycopg.connect(admin_url(url), autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target_db))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target_db)))
    run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(out / "amtsweg.dump")]
    )
    target_media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(out / "media.tar.gz") as archive:
        archive.extractall(target_media.parent / "unpacked", filter="data")
    unpacked = target_media.parent / "unpacked" / "media"
    if unpacked.exists():
        target_media.rmdir()
        unpacked.rename(target_media)
    log(f"Wiederhergestellt in die neue Datenbank {target_db} und nach {target_media}")
    return restored_url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--media-root", default=os.environ.get("MEDIA_ROOT", ""))
    parser.add_argument("--out", default="", help="Ordner für die Sicherung (Standard: neuer Ordner in /tmp)")
    parser.add_argument(
        "--keep", action="store_true", help="wiederhergestellte Datenbank und Dateien behalten"
    )
    args = parser.parse_args()
    url = args.database_url
    if urlsplit(url).scheme not in {"postgres", "postgresql"}:
        raise SystemExit(
            "DATABASE_URL muss eine PostgreSQL-Datenbank nennen (SQLite: siehe docs/operations.md)."
        )
    if not args.media_root:
        raise SystemExit("MEDIA_ROOT fehlt: der Ordner der hochgeladenen Dateien.")
    media = Path(args.media_root)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix=f"amtsweg-backup-{stamp}-"))
    out.mkdir(parents=True, exist_ok=True)

    counts = backup(url, media, out)
    target_db = f"{urlsplit(url).path.lstrip('/')}_restore_drill"[:63]
    workdir = Path(tempfile.mkdtemp(prefix="amtsweg-restore-"))
    restored_url = restore(url, out, target_db, workdir / "media")
    problems = []
    try:
        with psycopg.connect(restored_url) as connection:
            restored = table_counts(connection)
        differing = {
            table: (counts.get(table), restored.get(table))
            for table in sorted(set(counts) | set(restored))
            if counts.get(table) != restored.get(table)
        }
        if differing:
            problems.append(f"Zeilenzahlen weichen ab (gesichert, wiederhergestellt): {differing}")
        else:
            log(f"Zeilenzahlen stimmen überein: {len(restored)} Tabellen, {sum(restored.values())} Zeilen")
        env = {**os.environ, "DATABASE_URL": restored_url, "MEDIA_ROOT": str(workdir / "media")}
        audit = subprocess.run(
            [*AMTSWEG, "verify-audit"], env=env, capture_output=True, text=True, check=False
        )
        log(f"verify-audit: {audit.stdout.strip()} {audit.stderr.strip()}".strip())
        if audit.returncode != 0:
            problems.append("verify-audit schlägt auf der wiederhergestellten Datenbank fehl")
        files = run([*AMTSWEG, "shell", "-c", MISSING_FILES], env=env).stdout
        line = next((x for x in files.splitlines() if x.startswith("DRILL-FILES")), "DRILL-FILES 0 -1")
        _, named, missing, *examples = line.split()
        log(f"Dateien: {named} in der Datenbank genannt, {missing} fehlen in der Wiederherstellung")
        if missing != "0":
            problems.append(f"{missing} Dateien fehlen: {' '.join(examples)}")
    finally:
        if not args.keep:
            with psycopg.connect(admin_url(url), autocommit=True) as connection:
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target_db))
                )
            shutil.rmtree(workdir, ignore_errors=True)
    for problem in problems:
        print(f"FEHLER: {problem}", file=sys.stderr)
    if problems:
        raise SystemExit(1)
    log("Übung bestanden: Sicherung vollständig, Wiederherstellung geprüft.")


if __name__ == "__main__":
    main()
