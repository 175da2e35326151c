"""Connects the app to its database: engine settings for each backend, and the migrations.

backend.py says what each backend can do; schema_extras.py adds to the schema what the models cannot declare;
seed.py is `flask seed`'s loader.
"""

import os
import sqlite3
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, has_request_context, request
from flask_migrate import Migrate
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from database import schema_extras
from database.backend import backend, error_code
from models import db

migrate = Migrate()

# db.create_all() and db.drop_all() (tests, `init-db --drop`) build and remove what the migrations add beyond the models.
event.listen(db.metadata, "after_create", lambda metadata, connection, **kw: schema_extras.create(connection))
event.listen(db.metadata, "before_drop", lambda metadata, connection, **kw: schema_extras.drop(connection))

# Long enough to wait out other workers' writes, short enough to answer well before gunicorn's worker timeout.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
SERVER_CONNECT_TIMEOUT_SECONDS = 5
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Less free space than this beside a SQLite file is a full disk: a save writes a few pages to the WAL, a checkpoint
# copies up to 1,000 of them (4 MB) into the database.
SQLITE_MIN_FREE_BYTES = 8 * 1024 * 1024
ROOMY_CACHE_KIB = 64 * 1024  # roomy_cache()


def init_app(app):
    capabilities = backend(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # A statement's values (names, emails, grades) stay out of its error, and so out of the log of a 503 or a 500.
    options.setdefault("hide_parameters", True)
    for name, value in capabilities.connect_args:
        options.setdefault("connect_args", {}).setdefault(name, value)
    if capabilities.server:
        # A connection the server dropped (a restart, an idle timeout) is replaced before use, not failed on.
        options.setdefault("pool_pre_ping", True)
        # A server that is down answers requests (and /healthz) with an error soon, not after minutes.
        options.setdefault("connect_args", {}).setdefault("connect_timeout", SERVER_CONNECT_TIMEOUT_SECONDS)
    else:
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
    db.init_app(app)
    app.teardown_appcontext(close_session)  # after Flask-SQLAlchemy's, so it runs before it (teardowns run in reverse)
    with app.app_context():
        for engine in db.engines.values():
            if capabilities.pragmas:  # SQLite: each connection is set up by us, and so is when its transactions begin
                event.listen(engine, "connect", configure_sqlite_connection)
                event.listen(engine, "begin", begin_sqlite_transaction)
            event.listen(engine, "connect", partial(use_once_if_read_only, capabilities))
            event.listen(engine, "handle_error", discard_connections_that_cannot_write)
    # Batch mode lets migrations alter tables on SQLite too, which can change little with ALTER TABLE.
    migrate.init_app(app, db, directory=str(Path(app.root_path) / "migrations"), render_as_batch=True)


def close_session(error):
    """Ends the request's session, whose rollback fails when the server went away after the answer was made: then the
    answer stands (the connection is dropped from the pool), instead of becoming the server's bare 500 page."""
    try:
        db.session.close()
    except DBAPIError as failure:
        if not failure.connection_invalidated:
            raise


def configure_sqlite_connection(dbapi_connection, connection_record):
    # The driver would start transactions late, at the first write; begin_sqlite_transaction starts them instead.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never wait for the writer, and the writer never waits for readers.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


@contextmanager
def roomy_cache(session, many: bool = True):
    """SQLite: a change of many rows (a bulk job, an undo, an import) reads and writes indexes at scattered places
    (the enrollments' by course and name, the students'), and SQLite's 2 MB page cache read each page again and again:
    with 64 MB for its transaction, a bulk delete of 50,000 students took 7.8 s, not 10.3 (bench.bulk). Set back
    before the commit, while the connection is still this session's: the reads of the other requests keep 2 MB. A
    connection that failed meanwhile (closed) is left as it is: the error that failed it is the one to report."""
    if not many or not backend(session.get_bind()).pragmas:
        yield
        return
    raw = session.connection().connection.dbapi_connection
    kept = raw.execute("PRAGMA cache_size").fetchone()[0]
    raw.execute(f"PRAGMA cache_size = -{ROOMY_CACHE_KIB}")
    try:
        yield
    finally:
        with suppress(sqlite3.Error):
            raw.execute(f"PRAGMA cache_size = {int(kept)}")


def use_once_if_read_only(capabilities, dbapi_connection, connection_record):
    """A connection opened while the database could not be written serves one request, then the pool replaces it.

    Such a connection stays read-only after the database is writable again: SQLite opened the file read-only,
    without a word; the server gave the session its read-only default. Kept in the pool, it would fail saves
    until the workers restart.
    """
    cursor = dbapi_connection.cursor()
    try:
        reason = why_read_only(capabilities, partial(first_value, cursor))
    finally:
        cursor.close()
        dbapi_connection.rollback()  # PostgreSQL's and MariaDB's drivers began a transaction
    if reason:
        connection_record.invalidate(soft=True)  # replaced at its next checkout


def first_value(cursor, statement: str):
    cursor.execute(statement)
    return cursor.fetchone()[0]


def why_read_only(capabilities, first_value) -> str | None:
    """Why a write would fail on the connection that `first_value(statement)` runs statements on, found without
    writing; None when it would not."""
    if capabilities.read_only_query is not None:
        return "the database server is read-only (a replica, or set read-only)" if first_value(
            capabilities.read_only_query) else None
    path = first_value("SELECT file FROM pragma_database_list WHERE name = 'main'")  # "" for a database in memory
    if not path:
        return None
    if not sqlite_files_writable(path):
        return f"{path} (or its -wal or -shm file) is read-only"
    stat = os.statvfs(Path(path).parent)
    if stat.f_bavail * stat.f_frsize < SQLITE_MIN_FREE_BYTES:
        return f"{stat.f_bavail * stat.f_frsize} bytes free beside {path}"
    return None


def sqlite_files_writable(path: str) -> bool:
    """Whether this process may write the database file and its WAL files: a file SQLite may not write it opens
    read-only, and a WAL file made read-only fails the writes of connections that had it open."""
    files = (path, f"{path}-wal", f"{path}-shm")
    return all(os.access(file, os.W_OK, effective_ids=True) or not os.path.lexists(file) for file in files)


def discard_connections_that_cannot_write(context):
    """A write refused as read-only is handled as a lost connection: the pool discards this connection and replaces
    the others at their next use, for the reason use_once_if_read_only gives. It catches what that could not
    foresee: a connection opened read-only in the instant before the database became writable again."""
    if context.is_disconnect or not isinstance(context.sqlalchemy_exception, DBAPIError):
        return
    if error_code(context.original_exception) in backend(context.engine).read_only_errors:
        context.is_disconnect = True


def why_not_writable() -> str | None:
    """Why a save would fail now, found without writing: None when it would not. /healthz asks it: reads may work
    while every save fails."""
    return why_read_only(backend(), lambda statement: db.session.connection().exec_driver_sql(statement).scalar())


def begin_sqlite_transaction(connection):
    """Requests that may write take the write lock at BEGIN.

    Otherwise a transaction that read first and writes later fails with "database is locked" when another worker wrote
    in between, instead of waiting its turn (SQLite cannot upgrade a stale read to a write). Pages that only read
    begin without the lock, so they never queue behind writers; so does a connection opened to read only
    (`execution_options(reads_only=True)`: an export, from a page or a command).
    """
    reading = connection.get_execution_options().get("reads_only") or (
        has_request_context() and request.method in READ_ONLY_METHODS)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def migrations_directory() -> str:
    return current_app.extensions["migrate"].directory


def migration_scripts() -> ScriptDirectory:
    """The migrations in migrations/."""
    return ScriptDirectory.from_config(migrate.get_config(migrations_directory()))


def database_revisions() -> set[str]:
    """The newest migrations the database has had; none when it has no alembic_version table."""
    with db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
