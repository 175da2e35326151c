"""SQLite under several workers: writers queue for the lock instead of failing, readers never queue."""

import sqlite3
import threading
import time

import pytest

from helpers import read
from models import User, db

pytestmark = pytest.mark.backends("sqlite")


def database_file(app) -> str:
    with app.app_context():
        return db.engine.url.database


def pragma(app, name):
    with app.app_context():
        return db.session.execute(db.text(f"PRAGMA {name}")).scalar()


def other_writer(app) -> sqlite3.Connection:
    """Another worker's connection, holding the write lock until it commits."""
    connection = sqlite3.connect(database_file(app), isolation_level=None, timeout=0, check_same_thread=False)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute("INSERT INTO users (name, email, search_text, created_at, updated_at, role, active, session_token) "
                       "VALUES ('Other', 'other@example.org', 'other', '2024-01-01', '2024-01-01', 'viewer', 1, 'x')")
    return connection


def test_connections_use_wal_foreign_keys_and_a_busy_timeout(app):
    assert pragma(app, "journal_mode") == "wal"
    assert pragma(app, "foreign_keys") == 1
    assert pragma(app, "busy_timeout") == 15_000


def test_a_request_that_may_write_holds_the_write_lock_from_its_first_query(app):
    with app.test_request_context("/users/new", method="POST"):
        db.session.execute(db.select(User)).all()  # only a read so far, as when the form checks a unique email
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            other_writer(app)
        db.session.rollback()


def test_a_page_that_only_reads_does_not_take_the_write_lock(app):
    with app.test_request_context("/users", method="GET"):
        db.session.execute(db.select(User)).all()
        writer = other_writer(app)  # raises "database is locked" if the page took the lock
        writer.close()
        db.session.rollback()


def test_pages_read_while_another_worker_writes(client, app, people):
    writer = other_writer(app)
    started = time.monotonic()
    response = client.get("/users")
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    assert "Zoë Adams" in response.get_data(as_text=True) and "Other" not in response.get_data(as_text=True)
    writer.close()


def test_a_write_waits_for_another_workers_write_instead_of_failing(client, app):
    writer = other_writer(app)
    commit_soon = threading.Timer(0.5, writer.commit)
    commit_soon.start()
    response = client.post("/users/new", data={"name": "Ada", "email": "ada@example.org"})
    commit_soon.join()
    writer.close()
    assert response.status_code == 302
    assert sorted(user.name for user in read(app, User)) == ["Ada", "Other", "Root Admin"]


def test_a_bulk_change_has_a_roomy_page_cache_and_gives_it_back_before_its_commit(app, client, add):
    """Its statements read scattered index pages: with SQLite's 2 MB, each read again and again (database.roomy_cache).
    The cache goes back to 2 MB while the connection is still the change's: other requests read with that."""
    from database import ROOMY_CACHE_KIB
    from models import Student
    from test_bulk import confirm

    for n in range(3):
        add(Student, name=f"Kid {n}", email=f"kid{n}@school.example", grade=9, search_text=f"kid {n}")
    with app.app_context():
        engine = db.engine
    sizes = {"update": [], "commit": []}

    def size(connection) -> int:
        return connection.connection.dbapi_connection.execute("PRAGMA cache_size").fetchone()[0]

    def update(connection, cursor, statement, *args):
        if statement.startswith("UPDATE students"):
            sizes["update"].append(size(connection))

    def commit(connection):
        sizes["commit"].append(size(connection))

    db.event.listen(engine, "before_cursor_execute", update)
    db.event.listen(engine, "commit", commit)
    try:
        response, _ = confirm(client, "/students/bulk", action="move-up", all="1", query="grade=9")
        assert response.status_code == 302
    finally:
        db.event.remove(engine, "before_cursor_execute", update)
        db.event.remove(engine, "commit", commit)
    assert read(app, Student.grade) == [10, 10, 10]
    assert sizes["update"] and set(sizes["update"]) == {-ROOMY_CACHE_KIB}
    assert sizes["commit"] and set(sizes["commit"]) == {-2000}
