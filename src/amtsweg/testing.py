"""Test support, loaded as a pytest plugin (``-p amtsweg.testing`` in pyproject.toml).

Importing it sets the test environment before pytest-django configures Django. It offers the single
helper through which tests find the public reference data in ``../shared/data``, the database
snapshot through which tests get the loaded demo without loading it (``demo_snapshot``/``demo_db`` in
the root conftest), test worlds built once per module (``module_world``, ``fresh_copy``; collection
refuses a test that would see a world it did not ask for), and it lets a flush empty PostgreSQL tables with
``DELETE`` (see ``pytest_configure``).
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("AMTSWEG_ENVIRONMENT", "test")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Tests serve static files through the finders; an empty folder keeps whitenoise from warning. The process
# that makes it (the xdist controller; the test processes inherit it) removes it at the end.
if "STATIC_ROOT" not in os.environ:
    os.environ["STATIC_ROOT"] = _STATIC = tempfile.mkdtemp(prefix="amtsweg-test-static-")
    atexit.register(shutil.rmtree, _STATIC, ignore_errors=True)
# The vectors of the catalogue and devset texts, computed once per test run: the first process (the xdist
# controller, whose environment the test processes inherit) makes the folder, every test process and the
# servers and workers they start read and add to it. The same text gives the same vector, so what a test
# measures does not change – only the second and later embeddings of the demo catalogue (each about 20 s
# of CPU) are read instead of computed.
if "AMTSWEG_ASSISTANT_VECTOR_CACHE" not in os.environ:
    os.environ["AMTSWEG_ASSISTANT_VECTOR_CACHE"] = _VECTORS = tempfile.mkdtemp(prefix="amtsweg-test-vectors-")
    atexit.register(shutil.rmtree, _VECTORS, ignore_errors=True)


def pytest_configure(config: Any) -> None:
    """After a test with a committed database, the flush empties every table: on PostgreSQL Django does
    that with one ``TRUNCATE`` of all ~100 tables, which creates new files for every table and index and
    costs seconds, while ``DELETE`` of the few rows a test leaves costs milliseconds. Tests flush by
    ``DELETE`` therefore (the foreign keys are all deferred, so the order does not matter); a flush that
    resets the sequences keeps Django's ``TRUNCATE … RESTART IDENTITY``."""
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no PostgreSQL driver: SQLite flushes by DELETE anyway
        return
    truncate = DatabaseOperations.sql_flush
    if getattr(truncate, "amtsweg_delete", False):
        return

    def sql_flush(
        self: DatabaseOperations,
        style: Any,
        tables: Any,
        *,
        reset_sequences: bool = False,
        allow_cascade: bool = False,
    ) -> list[str]:
        if reset_sequences or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608 – table names

    sql_flush.amtsweg_delete = True  # type: ignore[attr-defined]
    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign,assignment]


def shared_data(*parts: str) -> Path:
    """Path below the reference data folder; skips the calling test with a reason when it is absent."""
    import pytest
    from django.conf import settings

    base = Path(settings.AMTSWEG_SHARED_DATA)
    path = base.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"Referenzdaten fehlen: {path} (AMTSWEG_SHARED_DATA zeigt auf {base})")
    return path


def chromium_path() -> str | None:
    """Debian's Chromium, or another one named by AMTSWEG_CHROMIUM; None when there is none."""
    for candidate in (os.environ.get("AMTSWEG_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


def pdf_accessibility_problems(pdf: bytes, *, title: str = "") -> list[str]:
    """What keeps ``pdf`` from being a tagged, accessible German document (empty list: nothing).

    Checks what a screen reader relies on: marked as tagged (``/MarkInfo /Marked true``), a structure
    tree, the document language ``de``, a title that the reader shows (containing ``title`` if given).
    """
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    root: Any = reader.trailer["/Root"].get_object()
    problems = []
    mark_info = root.get("/MarkInfo")
    if mark_info is None or not mark_info.get_object().get("/Marked"):
        problems.append("nicht als getaggt markiert (/MarkInfo /Marked)")
    if "/StructTreeRoot" not in root:
        problems.append("kein Strukturbaum (/StructTreeRoot)")
    if str(root.get("/Lang", "")).lower() not in ("de", "de-de"):
        problems.append(f"Sprache nicht de: {root.get('/Lang')!r}")
    viewer = root.get("/ViewerPreferences")
    if viewer is None or not viewer.get_object().get("/DisplayDocTitle"):
        problems.append("Titel wird nicht angezeigt (/DisplayDocTitle)")
    metadata: Any = reader.metadata or {}
    doc_title = str(metadata.get("/Title") or "")
    if not doc_title.strip() or (title and title not in doc_title):
        problems.append(f"Titel fehlt oder falsch: {doc_title!r}")
    return problems


class DatabaseSnapshot:
    """The rows of every table at one moment, kept in the test database itself and put back on request.

    Loading the Kreis Coesfeld demo takes tens of seconds; :meth:`restore` empties every table and
    copies the snapshot's rows back (one ``DELETE`` and one ``INSERT … SELECT`` per table) in a
    fraction of a second. On PostgreSQL the copies live in a schema of their own
    (``amtsweg_snapshot_<name>``), on SQLite in a database file attached to the connection; Django's
    introspection sees neither, so a flush leaves them alone. The restore runs in a transaction – or in
    a savepoint of the test's own transaction, and then it is rolled back with the test. Ids, sequences
    and the audit chain come back exactly as they were taken.
    """

    def __init__(self, name: str, tables: list[str], counts: dict[str, int]) -> None:
        self.name = name
        self.tables = tables
        self.filled: list[str] = []
        self.counts = counts

    @property
    def _store(self) -> str:
        return f"amtsweg_snapshot_{self.name}"

    @staticmethod
    def _sql(cursor: Any, template: str, **tables: str) -> None:
        """Run ``template`` with the quoted table names (from Django's introspection, never user input)."""
        from django.db import connection

        quoted = {
            key: ".".join(map(connection.ops.quote_name, name.split("."))) for key, name in tables.items()
        }
        cursor.execute(template.format(**quoted))

    @classmethod
    def take(cls, name: str, *, counts: dict[str, int] | None = None) -> DatabaseSnapshot:
        """Copy every table of the default database (committed at once; not inside a transaction)."""
        from django.db import connection, transaction

        if connection.in_atomic_block:
            raise RuntimeError(
                "Ein Datenbank-Schnappschuss braucht festgeschriebene Daten (keine Transaktion)."
            )
        tables = sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))
        snapshot = cls(name, tables, dict(counts or {}))
        store = snapshot._store
        sqlite = connection.vendor == "sqlite"
        with connection.cursor() as cursor:
            if sqlite:
                snapshot._attach(cursor, fresh=True)
            else:
                cls._sql(cursor, "DROP SCHEMA IF EXISTS {store} CASCADE", store=store)
                cls._sql(cursor, "CREATE SCHEMA {store}", store=store)
            create = "CREATE TABLE {copy} AS SELECT * FROM {table}"
            if not sqlite:
                create = create.replace("TABLE", "UNLOGGED TABLE", 1)
            with transaction.atomic():
                for table in tables:
                    copy = f"{store}.{table}"
                    cls._sql(cursor, create, copy=copy, table=table)
                    cls._sql(cursor, "SELECT 1 FROM {table} LIMIT 1", table=table)
                    if cursor.fetchone() is not None:
                        snapshot.filled.append(table)
                if sqlite:
                    copy = f"{store}.amtsweg_sequences"
                    cls._sql(cursor, "CREATE TABLE {copy} AS SELECT * FROM sqlite_sequence", copy=copy)
        return snapshot

    def _attach(self, cursor: Any, *, fresh: bool = False) -> None:
        """SQLite: attach the snapshot's file to this connection (ATTACH is refused inside a transaction)."""
        from django.db import connection

        cursor.execute("PRAGMA database_list")
        if any(row[1] == self._store for row in cursor.fetchall()):
            if not fresh:
                return
            self._sql(cursor, "DETACH DATABASE {store}", store=self._store)
        if connection.in_atomic_block:
            raise RuntimeError(
                f"Schnappschuss {self.name}: SQLite kann in einer Transaktion nichts anhängen."
            )
        path = Path(_SNAPSHOT_DIR) / f"{self._store}.sqlite3"
        if fresh:
            path.unlink(missing_ok=True)
        cursor.execute(f"ATTACH DATABASE %s AS {self._store}", [str(path)])

    def restore(self) -> None:
        """Empty every table and put the snapshot's rows back; reset the id sequences to match."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.cache import cache
        from django.core.management.color import no_style
        from django.db import connection, transaction

        store = self._store
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                self._attach(cursor)
            with transaction.atomic():
                # DELETE, not TRUNCATE: see pytest_configure.
                for table in self.tables:
                    self._sql(cursor, "DELETE FROM {table}", table=table)
                for table in self.filled:
                    self._sql(
                        cursor,
                        "INSERT INTO {table} SELECT * FROM {copy}",
                        table=table,
                        copy=f"{store}.{table}",
                    )
                if connection.vendor == "sqlite":
                    cursor.execute("DELETE FROM sqlite_sequence")
                    copy = f"{store}.amtsweg_sequences"
                    self._sql(cursor, "INSERT INTO sqlite_sequence SELECT * FROM {copy}", copy=copy)
                else:
                    models = [
                        model
                        for model in apps.get_models(include_auto_created=True)
                        if model._meta.db_table in self.tables
                    ]
                    statements = connection.ops.sequence_reset_sql(no_style(), models)
                    if statements:
                        cursor.execute("\n".join(statements))
        # Content types are cached by id in the process; a flush re-creates them with other ids.
        ContentType.objects.clear_cache()
        cache.clear()


# The module-scoped fixtures ``module_world`` made; a test module has one when it defines or imports it.
_MODULE_WORLDS: list[Any] = []


def module_world[T](build: Callable[[], T]) -> Any:
    """Decorator: a module-scoped fixture that builds a test world once for the whole module.

    The world is built inside a transaction that is rolled back after the module's last test. Each test
    runs in a savepoint inside it (request ``db`` next to the world) and should take its own deep copy of the
    returned objects (``fresh_copy``), so nothing one test changes – rows or objects in memory – reaches the
    next. It saves the 1–3 s that building the Kreis scenario or the strategy world costs every test.

    While the world is open, every database test of the module sees it. So in a module that defines or
    imports such a fixture, every database test must request it and none may commit (``transaction=True``,
    ``live_server``); collection stops with a message otherwise (``pytest_collection_modifyitems``), in
    any test order. Another module that wants the same world imports both fixtures (``_x_built``, ``x``).
    """
    from django.db import transaction

    def fixture(django_db_setup: None, django_db_blocker: Any) -> Iterator[T]:
        with django_db_blocker.unblock(), transaction.atomic():
            yield build()
            transaction.set_rollback(True)

    fixture.__name__ = fixture.__qualname__ = build.__name__
    fixture.__module__ = build.__module__
    fixture.__doc__ = build.__doc__
    made = pytest.fixture(scope="module")(fixture)
    _MODULE_WORLDS.append(made)
    return made


def fresh_copy[T](world: T) -> T:
    """A test's own copy of a world from ``module_world`` (model instances included)."""
    return copy.deepcopy(world)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Refuse a database test that would see a module world it did not ask for, or commit inside one."""
    worlds_of: dict[Any, set[str]] = {}
    wrong: list[str] = []
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        if module not in worlds_of:
            worlds_of[module] = {
                name for name, value in vars(module).items() if any(value is made for made in _MODULE_WORLDS)
            }
        worlds = worlds_of[module]
        if not worlds:
            continue
        names = set(getattr(item, "fixturenames", ()))
        marker = item.get_closest_marker("django_db")
        committing = bool(
            (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback")))
            or names & {"transactional_db", "live_server"}
        )
        database = bool(marker) or bool(names & {"db", "transactional_db", "live_server"})
        if (database and not names & worlds) or (committing and names & worlds):
            wrong.append(item.nodeid)
    if wrong:
        raise pytest.UsageError(
            "These tests use the database in a module with a module world (amtsweg.testing.module_world) "
            "but do not request it, or commit: move them to another module.\n" + "\n".join(wrong)
        )


_SNAPSHOT_DIR = tempfile.mkdtemp(prefix="amtsweg-test-snapshots-")
atexit.register(shutil.rmtree, _SNAPSHOT_DIR, ignore_errors=True)


def demo_snapshot_build() -> DatabaseSnapshot:
    """Load the Kreis Coesfeld demo once, keep it as a snapshot, and leave the database as it was."""
    from amtsweg.catalog.search import index_rebuild
    from amtsweg.demo.loader import load_demo

    before = DatabaseSnapshot.take("before_demo")
    try:
        # Search vectors only where a test needs them (the assistant's tests compute them once per process).
        counts = load_demo(embeddings=False)
        # The portal search reads the index that a background task builds; build it right here.
        index_rebuild()
        return DatabaseSnapshot.take("demo", counts=counts)
    finally:
        before.restore()


@pytest.fixture
def web_server() -> Any:
    """A web server on this machine that records every request it gets (and answers with a tiny PNG):
    ``(base_url, requests)``. Tests use it to prove that something is *not* fetched."""
    import base64
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    png = base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
