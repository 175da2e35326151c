"""`flask backup` and `flask restore`: on SQLite, copies of the live database taken and put back while the app serves;
on PostgreSQL and MariaDB, which of the server's own dump and load commands to run.

Both directions use SQLite's online backup API, never a file copy or a file swap:
- A backup reads the live database in one step, which is one read transaction: in WAL mode the workers' writes carry
  on meanwhile, and the copy is the database as it was when the step began. Copying the file instead could miss the
  commits still in the -wal file, or catch a page halfway through being written.
- A restore writes the backup INTO the live database in one write transaction, through SQLite's own locks: the
  workers' writes wait for it (their busy timeout), and their open connections see the restored rows from their next
  transaction on. Moving a file over the live one instead would leave each worker's connection on the old, unlinked
  file, or pair the new file with the old -wal and -shm files: a corrupt database. A failed restore changes nothing.
"""

import os
import shlex
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL

from database import migration_scripts
from database.backend import backend
from models import Course, Student, User, db

SQLITE_HEADER = b"SQLite format 3\x00"


class Refused(Exception):
    """Why a backup or restore did not run; nothing was changed."""


def live_database() -> Path:
    return Path(db.engine.url.database).resolve()


def back_up(path: Path):
    """Copies the live SQLite database to `path`, a new file, and checks the copy."""
    if path.exists():
        raise Refused(f"{path} exists already; give a new file name (the backup never replaces a file).")
    draft = path.with_name(f"{path.name}.partial-{os.getpid()}")
    live = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(draft)
        try:
            # The whole database in one step: done step by step, every worker's write in between restarts the copy,
            # which under a steady load might never finish.
            live.driver_connection.backup(copy, pages=-1)
            # One self-contained file: the copy would be in WAL mode like the live database, and opening it would
            # make -wal and -shm files beside it (or fail, on a read-only disk).
            copy.execute("PRAGMA journal_mode = DELETE")
            problems = integrity_problems(copy)
        finally:
            copy.close()
    except sqlite3.Error as error:
        draft.unlink(missing_ok=True)
        raise Refused(f"Could not write the backup to {path}: {error}") from error
    finally:
        live.close()
    if problems:
        draft.unlink()
        raise Refused(f"The copy failed its integrity check ({'; '.join(problems[:3])}); no backup was written.")
    os.link(draft, path)  # a file made at `path` meanwhile is kept, not replaced
    draft.unlink()


def integrity_problems(connection: sqlite3.Connection) -> list[str]:
    """What PRAGMA integrity_check reports, or nothing when it says "ok"."""
    report = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return [] if report == ["ok"] else report


def open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)


def describe_restorable(path: Path) -> str:
    """What the backup at `path` holds, in one line; Refused, saying why, unless it is a sound Roster database at the
    revision this code serves, so that restoring it leaves the app working."""
    if path.resolve() == live_database():
        raise Refused(f"{path} is the live database itself.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise Refused(f"{path} is not a SQLite database; nothing was restored.")
    connection = open_read_only(path)
    try:
        if problems := integrity_problems(connection):
            raise Refused(f"{path} is damaged (integrity_check: {'; '.join(problems[:3])}); nothing was restored.")
        check_schema(path, connection)
        check_page_size(path, connection)
        counts = {model.__tablename__: connection.execute(f"SELECT count(*) FROM {model.__tablename__}").fetchone()[0]
                  for model in (User, Student, Course)}
    except sqlite3.DatabaseError as error:  # damage bad enough that reading it fails before the check can report
        raise Refused(f"{path} is damaged ({error}); nothing was restored.") from error
    finally:
        connection.close()
    return ", ".join(f"{n:,} {table}" for table, n in counts.items())


def check_schema(path: Path, connection: sqlite3.Connection):
    tables = {name for (name,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
    if "alembic_version" not in tables:
        raise Refused(f"{path} is not a Roster database (it has no alembic_version table); nothing was restored.")
    revisions = {revision for (revision,) in connection.execute("SELECT version_num FROM alembic_version")}
    scripts = migration_scripts()
    heads = set(scripts.get_heads())
    if unknown := revisions - {script.revision for script in scripts.walk_revisions()}:
        raise Refused(
            f"{path} is at revision {', '.join(sorted(unknown))}, which migrations/ does not have: it was made by "
            f"newer code. Restore it with that code; nothing was restored."
        )
    if revisions != heads:
        raise Refused(
            f"{path} is at revision {', '.join(sorted(revisions))}, older than this code's "
            f"{', '.join(sorted(heads))}; nothing was restored. Upgrade a copy of it, then restore the copy:\n"
            f"  cp {shlex.quote(str(path))} upgraded.db\n"
            f"  DATABASE_URL=sqlite:///$PWD/upgraded.db flask --app app db upgrade\n"
            f"  flask --app app restore upgraded.db"
        )
    if missing := set(db.metadata.tables) - tables:
        raise Refused(f"{path} lacks Roster's tables {', '.join(sorted(missing))}; nothing was restored.")


def check_page_size(path: Path, connection: sqlite3.Connection):
    # SQLite cannot change the page size of a database in WAL mode, so a backup can only be written into it page
    # for page.
    with db.engine.connect() as live:
        live_size = live.exec_driver_sql("PRAGMA page_size").scalar()
    if (size := connection.execute("PRAGMA page_size").fetchone()[0]) != live_size:
        raise Refused(
            f"{path} has pages of {size} bytes and the live database of {live_size}, and SQLite cannot restore "
            f"across page sizes; nothing was restored."
        )


def restore(path: Path):
    """Writes the backup at `path` over the live SQLite database's contents, in one transaction."""
    backup = open_read_only(path)
    live = db.engine.raw_connection()
    try:
        backup.backup(live.driver_connection, pages=-1)
    finally:
        live.close()
        backup.close()


def server_commands(url: URL, path: str) -> tuple[str, str]:
    """The shell commands that dump the server database `url` names into the file `path`, and load it back."""
    if backend(url).name == "postgresql":
        options = [f"--{option}={value}" for option, value in
                   (("host", url.host), ("port", url.port), ("username", url.username)) if value is not None]
        # Both are consistent while the app serves: pg_dump reads one snapshot, pg_restore writes in one transaction.
        dump = ["pg_dump", "--format=custom", f"--file={path}", *options, url.database]
        load = ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *options,
                f"--dbname={url.database}", path]
        return shlex.join(dump), shlex.join(load)
    options = [f"--{option}={value}" for option, value in
               (("host", url.host), ("port", url.port), ("user", url.username)) if value is not None]
    options += ["--default-character-set=utf8mb4"] + (["--password"] if url.password else [])
    # --single-transaction: one consistent snapshot of the InnoDB tables, read without locking the app out.
    dump = ["mariadb-dump", "--single-transaction", f"--result-file={path}", *options, url.database]
    load = ["mariadb", *options, url.database]
    return shlex.join(dump), f"{shlex.join(load)} < {shlex.quote(path)}"


def password_note(url: URL) -> str:
    """How the commands get the password, which they are never given on the command line, where others can read it."""
    if url.password is None:
        return ""
    if backend(url).name == "postgresql":
        return "pg_dump and pg_restore ask for the password, or read it from PGPASSWORD or ~/.pgpass."
    return "--password makes them ask for it; or put it in ~/.my.cnf and leave --password out."
