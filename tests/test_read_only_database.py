"""A database that turns read-only and back (a SQLite file, a server): saves fail with the error page meanwhile,
and work again after, without restarting the app."""

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from helpers import read, signed_in
from models import User, db


@contextmanager
def read_only(app):
    """Makes the app's database file and its directory read-only, as a wrong chmod would, until the block ends.

    A chmod leaves the files open already writable, so the connections in the pool would keep writing: the pool
    starts over, as after a worker's restart, and meets the file read-only. The WAL files are left as they are, as
    the connections that have them open would (an immutable -shm, mapped in memory, kills the process: SIGBUS).

    The tests run as root, which may write a file whatever its mode; an immutable file (chattr +i, which root may
    set: CAP_LINUX_IMMUTABLE) refuses even root, and SQLite opens it as an unprivileged user opens a read-only one.
    A read-only remount cannot stand in: it is refused while the pool holds the WAL file open for writing.
    """
    with app.app_context():
        path = Path(db.engine.url.database)
        files = [str(path), str(path.parent)]
        if os.geteuid() == 0:
            subprocess.run(["chattr", "+i", *files], check=True)
            undo = ["chattr", "-i", *files]
        else:
            subprocess.run(["chmod", "a-w", *files], check=True)
            undo = ["chmod", "u+w", *files]
        try:
            db.engine.dispose()
            yield
        finally:
            subprocess.run(undo, check=True)


@contextmanager
def read_only_server(backend, app):
    """Makes the server refuse the app's writes until the block ends, for connections opened meanwhile, as a
    failover to a replica would; the connections open already are ended, as the failover would end them.

    PostgreSQL: the test's own database is made read-only for new sessions (default_transaction_read_only).
    MariaDB has no read-only database, and its read_only is global: it would stop the writes of everyone testing
    on the server, and spares root anyway. Here each connection the app opens meanwhile is made read-only itself
    (SET SESSION TRANSACTION READ ONLY): the real server refuses its writes, as a read-only one would.
    """
    with app.app_context():
        engine = db.engine

    def read_only_session(dbapi_connection, connection_record):
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET SESSION TRANSACTION READ ONLY")

    database = engine.url.database
    if backend.name == "postgresql":
        with backend.admin.connect() as connection:
            connection.exec_driver_sql(f'ALTER DATABASE "{database}" SET default_transaction_read_only = on')
    else:
        event.listen(engine, "connect", read_only_session, insert=True)  # before the app looks at the session
    try:
        backend.drop_connections()
        yield
    finally:
        if backend.name == "postgresql":
            with backend.admin.connect() as connection:
                connection.exec_driver_sql(f'ALTER DATABASE "{database}" RESET default_transaction_read_only')
            backend.admin.dispose()  # none of its connections opened meanwhile may empty the next test's database
        else:
            event.remove(engine, "connect", read_only_session)


def add_user(client, name):
    return client.post("/users/new", data={"name": name, "email": f"{name.lower()}@example.org"})


def assert_error_page(response):
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert '<p class="error-code">503</p>' in html and "Traceback" not in html


@pytest.fixture
def serving(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not raise into the test
    return app


@pytest.mark.backends("sqlite")
def test_a_save_on_a_read_only_file_shows_the_error_page_and_loses_nothing(serving, client):
    assert add_user(client, "Ada").status_code == 302
    with read_only(serving):
        assert_error_page(add_user(client, "Bea"))
        assert "Ada" in client.get("/users").get_data(as_text=True)  # reading still works
    assert sorted(user.name for user in read(serving, User)) == ["Ada", "Root Admin"]


@pytest.mark.backends("sqlite")
def test_saves_work_again_once_the_file_is_writable_again(serving, client):
    with read_only(serving):
        assert_error_page(add_user(client, "Bea"))
        assert_error_page(add_user(client, "Cy"))
    assert add_user(client, "Dee").status_code == 302
    assert sorted(user.name for user in read(serving, User)) == ["Dee", "Root Admin"]


@pytest.mark.backends("postgresql", "mariadb")
def test_a_save_on_a_read_only_server_shows_the_error_page_and_loses_nothing(serving, client, backend):
    assert add_user(client, "Ada").status_code == 302
    with read_only_server(backend, serving):
        assert_error_page(add_user(client, "Bea"))
        assert "Ada" in client.get("/users").get_data(as_text=True)
    assert sorted(user.name for user in read(serving, User)) == ["Ada", "Root Admin"]


@pytest.mark.backends("postgresql", "mariadb")
def test_saves_work_again_once_the_server_takes_writes_again(serving, client, backend):
    with read_only_server(backend, serving):
        assert_error_page(add_user(client, "Bea"))
        assert client.get("/users").status_code == 200
    assert add_user(client, "Dee").status_code == 302
    assert sorted(user.name for user in read(serving, User)) == ["Dee", "Root Admin"]


READ_ONLY_SESSION = {
    "sqlite": "PRAGMA query_only = ON",
    "postgresql": "SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY",
    "mariadb": "SET SESSION TRANSACTION READ ONLY",
}


def test_a_connection_found_read_only_only_by_a_failed_save_is_replaced(serving, client, backend):
    """As when the database becomes writable in the instant between a connection's opening (read-only) and the
    app's look at it (writable): the pool keeps it, until its first failed save discards it."""
    with serving.app_context():
        engine = db.engine
    opened = []

    def first_one_read_only(dbapi_connection, connection_record):  # runs after the app looked at the connection
        if not opened:
            cursor = dbapi_connection.cursor()
            cursor.execute(READ_ONLY_SESSION[backend.name])
            cursor.close()
            dbapi_connection.commit()  # the servers' setting is for the transactions after this one
        opened.append(dbapi_connection)

    engine.dispose()
    event.listen(engine, "connect", first_one_read_only)
    try:
        assert_error_page(add_user(client, "Bea"))
        assert add_user(client, "Dee").status_code == 302
    finally:
        event.remove(engine, "connect", first_one_read_only)
    assert sorted(user.name for user in read(serving, User)) == ["Dee", "Root Admin"]


@contextmanager
def small_disk(tmp_path):
    """A 16 MB file system (twice the free space /healthz asks for) of the test's own (tmpfs), so the database's disk can fill up and empty again."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def fill(directory: Path) -> Path:
    filler = directory / "filler"
    with open(filler, "wb", buffering=0) as file:
        try:
            while True:
                file.write(b"\0" * 65536)
        except OSError:  # the disk is full
            pass
    return filler


@pytest.mark.backends("sqlite")
def test_a_full_disk_fails_saves_cleanly_says_503_and_recovers_once_there_is_room(make_app, tmp_path):
    with small_disk(tmp_path) as disk:
        app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{disk / 'roster.db'}", PROPAGATE_EXCEPTIONS=False)
        with app.app_context():
            db.create_all()
            db.session.add(User(name="Root Admin", email="root@example.org", role="admin"))
            db.session.commit()
        client = signed_in(app, "root@example.org")
        assert add_user(client, "Ada").status_code == 302
        filler = fill(disk)
        assert client.get("/healthz").status_code == 503
        for number in range(500):  # the database's own free pages may take a few saves first
            if (response := add_user(client, f"Bea{number}")).status_code != 302:
                break
        assert_error_page(response)
        filler.unlink()
        assert add_user(client, "Cy").status_code == 302
        assert client.get("/healthz").status_code == 200
        assert {"Ada", "Cy", "Root Admin"} <= {user.name for user in read(app, User)}
        with app.app_context():
            db.engine.dispose()
