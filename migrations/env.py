"""Alembic's environment for `flask db …`: the app's engine and models, and how autogenerate writes migrations."""

import logging
from contextlib import contextmanager
from logging.config import fileConfig

from alembic import context
from flask import current_app
from sqlalchemy.types import TypeDecorator

from database import schema_extras
from database.backend import backend

config = context.config
# Leave the app's own loggers working when migrations run inside it (init-db, the tests).
fileConfig(config.config_file_name, disable_existing_loggers=False)
if context.get_x_argument(as_dictionary=True).get("quiet"):  # init-db without --verbose: only warnings and errors
    logging.getLogger("alembic").setLevel(logging.WARNING)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def render_item(kind, obj, autogen_context):
    """Writes our own column types (models.Hundredths) as the type they store: a migration never imports models.py,
    which will have changed by the time an old migration runs."""
    if kind == "type" and isinstance(obj, TypeDecorator):
        return f"sa.{obj.impl!r}"
    return False


def skip_empty_autogenerate(context, revision, directives):
    """`flask db migrate` with no model changes writes no empty migration."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def options() -> dict:
    configured = current_app.extensions["migrate"].configure_args
    return {"render_item": render_item, "process_revision_directives": skip_empty_autogenerate,
            "include_name": schema_extras.include_name, **configured}


def run_migrations_offline():
    """`flask db upgrade --sql`: prints the SQL instead of running it."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=db.metadata, literal_binds=True,
                      **options())
    with context.begin_transaction():
        context.run_migrations()


@contextmanager
def foreign_keys_off_on_sqlite(connection):
    """Batch mode changes a SQLite table by copying it and dropping the old one; with foreign keys on, dropping a table
    that others refer to would delete their rows or fail. So they are off while migrating, and checked afterwards."""
    if not backend(connection).pragmas:
        yield
        return
    sqlite = connection.connection.dbapi_connection  # outside any transaction: the pragma is ignored inside one
    sqlite.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
        if broken := sqlite.execute("PRAGMA foreign_key_check").fetchall():
            raise RuntimeError(f"After the migration, rows refer to rows that do not exist: {broken[:10]}")
    finally:
        sqlite.execute("PRAGMA foreign_keys = ON")


def run_migrations_online():
    with db.engine.connect() as connection, foreign_keys_off_on_sqlite(connection):
        context.configure(connection=connection, target_metadata=db.metadata, **options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
