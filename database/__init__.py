"""Connects the app to its database: engine settings for each backend, and the migrations.

backend.py says what each backend can do; schema_extras.py adds to the schema what the models cannot declare;
seed.py is `flask seed`'s loader.
"""

from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, has_request_context, request
from flask_migrate import Migrate
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from database import schema_extras
from database.backend import backend
from models import db

migrate = Migrate()

# db.create_all() and db.drop_all() (tests, `init-db --drop`) build and remove what the migrations add beyond the models.
event.listen(db.metadata, "after_create", lambda metadata, connection, **kw: schema_extras.create(connection))
event.listen(db.metadata, "before_drop", lambda metadata, connection, **kw: schema_extras.drop(connection))

# Long enough to wait out other workers' writes, short enough to answer well before gunicorn's 30 s worker timeout.
SQLITE_BUSY_TIMEOUT_SECONDS = 15
SERVER_CONNECT_TIMEOUT_SECONDS = 5
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app):
    capabilities = backend(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if capabilities.server:
        # A connection the server dropped (a restart, an idle timeout) is replaced before use, not failed on.
        options.setdefault("pool_pre_ping", True)
        # A server that is down answers requests (and /healthz) with an error soon, not after minutes.
        options.setdefault("connect_args", {}).setdefault("connect_timeout", SERVER_CONNECT_TIMEOUT_SECONDS)
    else:
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_SECONDS)
    db.init_app(app)
    app.teardown_appcontext(close_session)  # after Flask-SQLAlchemy's, so it runs before it (teardowns run in reverse)
    if capabilities.pragmas:  # SQLite: each connection is set up by us, and so is when its transactions begin
        with app.app_context():
            for engine in db.engines.values():
                event.listen(engine, "connect", configure_sqlite_connection)
                event.listen(engine, "begin", begin_sqlite_transaction)
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


def begin_sqlite_transaction(connection):
    """Requests that may write take the write lock at BEGIN.

    Otherwise a transaction that read first and writes later fails with "database is locked" when another worker wrote
    in between, instead of waiting its turn (SQLite cannot upgrade a stale read to a write). Pages that only read
    begin without the lock, so they never queue behind writers.
    """
    reading = has_request_context() and request.method in READ_ONLY_METHODS
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
