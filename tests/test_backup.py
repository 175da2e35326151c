"""`flask backup` and `flask restore`: a SQLite database copied out and back while the app serves; on a server, the
dump and load commands to run instead."""

import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from helpers import read
from models import Student, db

BASE = ScriptDirectory(str(Path(__file__).parent.parent / "migrations")).get_base()
NOTES = "000000000001"  # a revision of code newer than this
STUDENT = {"grade": "5", "enrolled_on": "2024-09-01"}
WRITES_BEFORE_BACKUP = 20
MAX_SECONDS = 20  # however slow the machine, the writer gives up by then
SEARCH_CY = "SELECT rowid FROM students_search WHERE students_search MATCH '\"cy@school\"'"


@pytest.fixture
def migrated(make_app):
    """An app on a database made by init-db (so with its alembic_version), holding two students."""
    app = make_app()
    assert app.test_cli_runner().invoke(args=["init-db"]).exit_code == 0
    with app.app_context():
        db.session.add_all([Student(name=name, email=f"{name.lower()}@school.example", grade=5)
                            for name in ("Ana", "Bea")])
        db.session.commit()
    return app


def live_file(app) -> str:
    with app.app_context():
        return db.engine.url.database


def names(app) -> list[str]:
    return sorted(student.name for student in read(app, Student))


def back_up(app, path):
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def restore(app, path, *options, input=None):
    return app.test_cli_runner().invoke(args=["restore", str(path), *options], input=input)


def sql(path, *statements):
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in statements:
        connection.execute(statement)
    connection.close()


class Writer(threading.Thread):
    """Saves students through the app's write path, one request after another, until told to stop."""

    def __init__(self, client):
        super().__init__()
        self.client, self.stop = client, threading.Event()
        self.acknowledged = []  # emails of the saves that answered with the redirect that follows a commit
        self.failures = []

    def run(self):
        deadline = time.monotonic() + MAX_SECONDS
        while not self.stop.is_set() and time.monotonic() < deadline:
            email = f"s{len(self.acknowledged) + len(self.failures)}@load.example"
            response = self.client.post("/students/new", data={**STUDENT, "name": "Loaded", "email": email})
            (self.acknowledged if response.status_code == 302 else self.failures).append(email)


@pytest.mark.backends("sqlite")
def test_a_backup_taken_during_writes_is_sound_and_holds_every_write_acknowledged_before_it(
    app, client, runner, tmp_path
):
    runner.invoke(args=["seed", "--users", "20", "--students", "5000", "--random-seed", "1"])  # worth copying
    writer = Writer(client)
    writer.start()
    try:
        while len(writer.acknowledged) < WRITES_BEFORE_BACKUP and writer.is_alive():
            time.sleep(0.01)
        before = list(writer.acknowledged)
        result = runner.invoke(args=["backup", str(tmp_path / "backup.db")])
        during = len(writer.acknowledged) - len(before)
    finally:
        writer.stop.set()
        writer.join(timeout=MAX_SECONDS)
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output
    assert writer.failures == []
    assert len(before) >= WRITES_BEFORE_BACKUP
    assert during > 0, "no write was acknowledged while the backup ran: the test proves nothing"
    copy = sqlite3.connect(tmp_path / "backup.db")
    assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {email for (email,) in copy.execute("SELECT email FROM students WHERE email LIKE '%@load.example'")}
    journal_mode = copy.execute("PRAGMA journal_mode").fetchone()[0]
    copy.close()
    assert set(before) <= stored
    # Nothing the app had not saved by the time the backup ended (give or take the one save in flight then).
    assert len(stored) <= len(before) + during + 1
    assert journal_mode == "delete"  # one file, no -wal beside it


@pytest.mark.backends("sqlite")
def test_a_backup_never_replaces_a_file(runner, tmp_path):
    (tmp_path / "old.db").write_text("last week's backup")
    result = runner.invoke(args=["backup", str(tmp_path / "old.db")])
    assert result.exit_code == 1 and "exists already" in result.output
    assert (tmp_path / "old.db").read_text() == "last week's backup"


@pytest.mark.backends("sqlite")
def test_restore_puts_the_backup_back_and_open_connections_see_it(migrated, tmp_path):
    backup = back_up(migrated, tmp_path / "backup.db")
    sql(live_file(migrated), "DELETE FROM students WHERE name = 'Ana'",
        "INSERT INTO students (name, email, search_text, grade, enrolled_on, created_at, updated_at) "
        "VALUES ('Cy', 'cy@school.example', 'cy cy@school.example', 5, '2024-09-01', '2024-09-01', '2024-09-01')")
    worker = sqlite3.connect(live_file(migrated), isolation_level=None)  # another worker, connected all along
    assert worker.execute("SELECT name FROM students ORDER BY name").fetchall() == [("Bea",), ("Cy",)]
    assert worker.execute(SEARCH_CY).fetchall() != []
    result = restore(migrated, backup, "--yes")
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output and "2 students" in result.output
    assert worker.execute("SELECT name FROM students ORDER BY name").fetchall() == [("Ana",), ("Bea",)]
    assert worker.execute("SELECT row_count FROM row_counts WHERE table_name = 'students'").fetchone() == (2,)
    assert worker.execute(SEARCH_CY).fetchall() == []  # the search index came back with the rows
    assert worker.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    worker.close()
    assert names(migrated) == ["Ana", "Bea"]


@pytest.mark.backends("sqlite")
def test_restore_waits_for_a_write_in_progress_instead_of_failing(migrated, tmp_path):
    backup = back_up(migrated, tmp_path / "backup.db")
    worker = sqlite3.connect(live_file(migrated), isolation_level=None, check_same_thread=False)
    worker.execute("BEGIN IMMEDIATE")  # a request saving, holding the write lock
    worker.execute("DELETE FROM students WHERE name = 'Ana'")
    commit_soon = threading.Timer(0.5, worker.commit)
    commit_soon.start()
    result = restore(migrated, backup, "--yes")
    commit_soon.join()
    worker.close()
    assert result.exit_code == 0, result.output
    assert names(migrated) == ["Ana", "Bea"]  # restored after the write, over it


@pytest.mark.backends("sqlite")
def test_restore_asks_first(migrated, tmp_path):
    backup = back_up(migrated, tmp_path / "backup.db")
    sql(live_file(migrated), "DELETE FROM students WHERE name = 'Ana'")
    result = restore(migrated, backup, input="n\n")
    assert "Replace all data in" in result.output and "(0 users, 2 students, 0 courses)?" in result.output
    assert result.exit_code == 1 and "Aborted" in result.output
    assert names(migrated) == ["Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_file_that_is_not_sqlite(migrated, tmp_path):
    (tmp_path / "notes.txt").write_text("not a database")
    result = restore(migrated, tmp_path / "notes.txt", "--yes")
    assert result.exit_code == 1 and "is not a SQLite database; nothing was restored" in result.output
    assert names(migrated) == ["Ana", "Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_damaged_file(migrated, tmp_path):
    backup = back_up(migrated, tmp_path / "backup.db")
    page_size = 4096  # SQLite's default, which the backup copied from the live database
    assert (backup.stat().st_size // page_size) > 3
    with backup.open("r+b") as file:
        file.seek(2 * page_size)  # the third page: a table or index of the schema
        file.write(b"\xff" * page_size)
    sql(live_file(migrated), "DELETE FROM students WHERE name = 'Ana'")
    result = restore(migrated, backup, "--yes")
    assert result.exit_code == 1 and "is damaged" in result.output and "nothing was restored" in result.output
    assert names(migrated) == ["Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_sqlite_database_that_is_not_roster(migrated, tmp_path):
    sql(tmp_path / "other.db", "CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT)")
    result = restore(migrated, tmp_path / "other.db", "--yes")
    assert result.exit_code == 1 and "is not a Roster database" in result.output
    assert names(migrated) == ["Ana", "Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_backup_from_newer_code(migrated, tmp_path):
    backup = back_up(migrated, tmp_path / "backup.db")
    sql(backup, f"UPDATE alembic_version SET version_num = '{NOTES}'")
    result = restore(migrated, backup, "--yes")
    assert result.exit_code == 1 and f"is at revision {NOTES}, which migrations/ does not have" in result.output
    assert names(migrated) == ["Ana", "Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_a_backup_from_older_code_and_says_how_to_upgrade_it(make_app, migrated, tmp_path):
    old = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    assert old.test_cli_runner().invoke(args=["db", "upgrade", BASE]).exit_code == 0
    backup = back_up(old, tmp_path / "backup.db")
    result = restore(migrated, backup, "--yes")
    assert result.exit_code == 1 and f"is at revision {BASE}, older than this code's" in result.output
    assert "flask --app app db upgrade" in result.output
    assert names(migrated) == ["Ana", "Bea"]


@pytest.mark.backends("sqlite")
def test_restore_refuses_the_live_database_itself(migrated):
    result = restore(migrated, live_file(migrated), "--yes")
    assert result.exit_code == 1 and "is the live database itself" in result.output


def server_tool_options(backend, url) -> list[str]:
    user = "--username" if backend.name == "postgresql" else "--user"
    return [f"--host={url.host}", f"--port={url.port}", f"{user}={url.username}"]


@pytest.mark.backends("postgresql", "mariadb")
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_a_server_both_commands_name_its_host_port_user_and_database(
    command, backend, make_app, database_url, tmp_path
):
    url = make_url(database_url).set(password="s3cret")
    app = make_app(SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    if command == "restore":
        (tmp_path / "roster.dump").write_text("a dump")
    result = app.test_cli_runner().invoke(args=[command, str(tmp_path / "roster.dump")])
    assert result.exit_code == 1  # nothing was backed up or restored
    tool = {"postgresql": ("pg_dump", "pg_restore"), "mariadb": ("mariadb-dump", "mariadb ")}[backend.name]
    assert tool[command == "restore"] in result.output
    for option in server_tool_options(backend, url):
        assert option in result.output
    assert url.database in result.output and "s3cret" not in result.output
    assert ("PGPASSWORD" if backend.name == "postgresql" else "--password") in result.output


@pytest.mark.backends("postgresql", "mariadb")
def test_the_dump_and_load_commands_a_server_is_given_work(app, runner, database_url, tmp_path):
    with app.app_context():
        db.session.add(Student(name="Ana", email="ana@school.example", grade=5))
        db.session.commit()
    dump_file = tmp_path / "roster.dump"
    printed = runner.invoke(args=["backup", str(dump_file)]).output.splitlines()
    dump, load = (line.strip() for line in printed if line.startswith("  "))
    subprocess.run(dump, shell=True, check=True, timeout=60)
    with app.app_context():
        db.session.execute(db.text("DELETE FROM students"))
        db.session.commit()
    subprocess.run(load, shell=True, check=True, timeout=60)
    assert names(app) == ["Ana"]
