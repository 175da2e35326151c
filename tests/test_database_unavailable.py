"""A database that cannot take the work now (another writer holding SQLite's lock past the busy timeout, a full
disk, a server that is down): a 503 page that says so, keeps what the person posted to send again, and writes
nothing; the next request after the database is back works, without restarting the app. A database error that is a
bug stays a 500."""

import html
import re
import sqlite3
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, text
from werkzeug.datastructures import MultiDict

import pg_cluster
import test_write_path
from helpers import PASSWORD, read, signed_in
from models import ChangeSet, Student, db
from test_import import confirm as import_confirm, preview

after_commit = test_write_path.after_commit  # a fixture: the statements run after each commit
ANA = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "5", "enrolled_on": "2024-09-01"}
BUSY_TIMEOUT_SECONDS = 0.2  # SQLite's, in these tests: the app's own is 15 s


@pytest.fixture
def impatient(app, make_app):
    """The app on SQLite with its admin, again, waiting for another writer's lock only briefly, answering as in
    production."""
    return make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": BUSY_TIMEOUT_SECONDS}},
                    PROPAGATE_EXCEPTIONS=False)


@contextmanager
def locked(app):
    """Another process's transaction holds SQLite's write lock until the block ends."""
    with app.app_context():
        path = db.engine.url.database
    other = sqlite3.connect(path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


def kept(response) -> dict:
    """The fields the 503 page's Try again sends, and where."""
    page = response.get_data(as_text=True)
    form = re.search(r'<form id="retry" class="retry" method="post" action="([^"]*)">(.*?)</form>', page, re.S)
    assert '<button type="submit" form="retry" class="primary">Try again</button>' in page
    fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(2))
    return html.unescape(form.group(1)), MultiDict([(name, html.unescape(value)) for name, value in fields])


def try_again(client, response):
    address, fields = kept(response)
    return client.post(address, data=fields)


def assert_unavailable_page(response):
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert '<p class="error-code">503</p>' in page and "The database is not available just now" in page
    assert "Traceback" not in page


@pytest.mark.backends("sqlite")
def test_a_save_while_another_writer_holds_the_lock_answers_503_keeping_the_input_to_send_again(impatient):
    client = signed_in(impatient, "root@example.org")
    with locked(impatient):
        response = client.post("/students/new", data={**ANA, "then": "add-another"})
    assert_unavailable_page(response)
    assert "What you entered is kept. Try again sends it again." in response.get_data(as_text=True)
    address, fields = kept(response)
    assert (address, fields.to_dict()) == ("/students/new", {**ANA, "then": "add-another"})
    assert read(impatient, Student) == []
    again = try_again(client, response)  # once the lock is gone
    assert (again.status_code, again.headers["Location"]) == (302, "/students/new")
    assert [student.name for student in read(impatient, Student)] == ["Ana Ruiz"]


@pytest.mark.backends("sqlite")
def test_a_bulk_action_run_while_locked_answers_503_and_its_try_again_runs_it(impatient):
    client = signed_in(impatient, "root@example.org")
    for n in range(3):
        assert client.post("/students/new", data={**ANA, "email": f"s{n}@school.example"}).status_code == 302
    run = previewed_bulk(client, action="set-grade", all="1", query="", grade="9")
    with locked(impatient):
        response = client.post("/students/bulk", data=run)
    assert_unavailable_page(response)
    assert {student.grade for student in read(impatient, Student)} == {5}
    again = try_again(client, response)
    assert again.status_code == 302
    assert {student.grade for student in read(impatient, Student)} == {9}


def previewed_bulk(client, **form) -> dict:
    """What pressing the preview's button posts, to run the action."""
    page = client.post("/students/bulk", data={**form, "then": "preview"}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', page))
    return {**form, **{name: html.unescape(value) for name, value in hidden.items()}, "then": "run"}


@pytest.mark.backends("sqlite")
def test_a_sign_in_while_locked_keeps_the_email_but_never_echoes_the_password(impatient):
    with locked(impatient):
        response = impatient.test_client().post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
    assert_unavailable_page(response)
    page = response.get_data(as_text=True)
    assert PASSWORD not in page and "but for passwords: type them again" in page
    assert kept(response) == ("/sign-in", MultiDict({"email": "root@example.org"}))


@pytest.mark.backends("sqlite")
def test_a_page_read_when_the_database_cannot_be_opened_answers_503_with_a_link_to_try_again(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent-directory/roster.db", PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    with client.session_transaction() as session:  # signed in: loading the user needs the database
        session["_user_id"] = "1:token"
    response = client.get("/students?grade=3")
    assert_unavailable_page(response)
    assert '<a class="button primary" href="/students?grade=3">Try again</a>' in response.get_data(as_text=True)


@contextmanager
def full(app):
    """The database may not grow by a page, as on a full disk, for the app's connections opened meanwhile."""
    with app.app_context():
        engine = db.engine

    def no_room(dbapi_connection, connection_record):
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    engine.dispose()
    event.listen(engine, "connect", no_room)
    try:
        yield
    finally:
        event.remove(engine, "connect", no_room)
        engine.dispose()


@pytest.mark.backends("sqlite")
def test_an_import_on_a_full_database_answers_503_imports_nothing_and_can_be_confirmed_again(impatient):
    client = signed_in(impatient, "root@example.org")
    rows = "".join(f"Student {n},s{n}@school.example,{n % 12 + 1}\n" for n in range(300))
    page, address = preview(client, f"Name,Email,Grade\n{rows}".encode())
    with full(impatient):
        response = import_confirm(client, address, page)
    assert_unavailable_page(response)
    assert read(impatient, Student) == [] and read(impatient, ChangeSet) == []
    assert try_again(client, response).status_code == 302  # the upload was kept: Try again imports it
    assert len(read(impatient, Student)) == 300


def test_a_database_error_that_is_a_bug_is_still_a_500(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/wrong", "wrong", lambda: str(db.session.execute(db.text("SELECT * FROM no_such_table")).all()))
    response = signed_in(app, "root@example.org").get("/wrong")
    assert response.status_code == 500 and '<p class="error-code">500</p>' in response.get_data(as_text=True)


LOCK_WAIT = {  # what the app's connections wait for a row another transaction holds, as each server says it
    "postgresql": ("SHOW lock_timeout", "15s", {"options": "-c lock_timeout=300ms"}),
    "mariadb": ("SELECT @@innodb_lock_wait_timeout", 15, {"init_command": "SET SESSION innodb_lock_wait_timeout = 1"}),
}


@pytest.mark.backends("postgresql", "mariadb")
def test_a_server_connection_waits_for_a_held_row_as_long_as_sqlite_waits_for_its_lock(app, backend):
    statement, seconds, _ = LOCK_WAIT[backend.name]
    with app.app_context():
        assert db.session.scalar(db.text(statement)) == seconds


@pytest.mark.backends("postgresql", "mariadb")
def test_a_save_of_a_row_another_transaction_holds_answers_503_after_the_lock_wait(app, make_app, add, database_url,
                                                                                   backend, caplog):
    id = add(Student, name="Ana Ruiz", email="ana@school.example")
    app = make_app(SQLALCHEMY_ENGINE_OPTIONS={"connect_args": LOCK_WAIT[backend.name][2]}, PROPAGATE_EXCEPTIONS=False)
    client = signed_in(app, "root@example.org")
    holder = create_engine(database_url)  # another program's transaction, holding the row
    try:
        with holder.connect() as other:
            other.execute(text("SELECT id FROM students WHERE id = :id FOR UPDATE"), {"id": id})
            response = client.post(f"/students/{id}/edit", data={**ANA, "name": "Ana B", "version": "1"})
    finally:
        holder.dispose()
    assert_unavailable_page(response)
    assert "students" in caplog.text and "Ana B" not in caplog.text  # logged without what was typed
    assert [student.name for student in read(app, Student)] == ["Ana Ruiz"]
    assert try_again(client, response).status_code == 302
    assert [student.name for student in read(app, Student)] == ["Ana B"]


class TestOnADatabaseServerOfItsOwn(pg_cluster.OnAServerOfItsOwn):
    """A PostgreSQL server this test kills and starts again (tests/pg_cluster.py): the shared servers stay up. Its
    database_url is that server's, so it runs once, not on each backend."""

    def test_while_it_is_down_pages_answer_503_and_once_it_is_back_every_kind_of_request_works(
            self, app, client, own_server):
        app.config["PROPAGATE_EXCEPTIONS"] = False
        assert client.post("/students/new", data=ANA).status_code == 302  # the pool holds connections now
        own_server.kill()
        try:
            assert_unavailable_page(client.get("/students"))
            down = client.post("/students/new", data={**ANA, "email": "bea@school.example", "name": "Bea"})
            assert_unavailable_page(down)
        finally:
            own_server.start()
        # Each uses a pooled connection that the server's death left dead: replaced on checkout, not failed on.
        assert "Ana Ruiz" in client.get("/students").get_data(as_text=True)
        assert try_again(client, down).status_code == 302
        assert client.post("/students/bulk", data=previewed_bulk(client, action="set-grade", all="1", query="",
                                                                 grade="9")).status_code == 302
        with app.app_context():
            newest = db.session.scalar(db.select(db.func.max(ChangeSet.id)))
        assert client.post(f"/changes/{newest}/undo").status_code == 302
        signing_in = app.test_client().post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
        assert (signing_in.status_code, signing_in.headers["Location"]) == (302, "/")
        assert sorted((s.name, s.grade) for s in read(app, Student)) == [("Ana Ruiz", 5), ("Bea", 5)]


def test_nothing_after_the_commit_of_a_bulk_action_an_import_a_sign_in_or_a_preference_needs_the_database(
        app, client, add, after_commit):
    """The writes test_write_path.py's own test of this rule leaves out: were the database to go away right after
    their commit, the person would still get the redirect and the message that it was done."""
    add(Student, name="Ana Ruiz", email="ana@school.example", grade=5)
    page, address = preview(client, b"Name,Email,Grade\nCy New,cy@school.example,3\n")
    views = {"resource": "students", "name": "Grade 3", "query": "grade=3"}
    passwords = {"current_password": PASSWORD, "new_password": "a much longer passphrase",
                 "confirm": "a much longer passphrase"}
    writes = {
        "bulk action": lambda: client.post("/students/bulk", data=previewed_bulk(client, action="set-grade", all="1",
                                                                                 query="", grade="9")),
        "import": lambda: import_confirm(client, address, page),
        "sign-in": lambda: app.test_client().post("/sign-in", data={"email": "root@example.org", "password": PASSWORD}),
        "saved view": lambda: client.post("/views", data=views),
        "pinned view": lambda: client.post("/views/1/pin"),
        "colour scheme": lambda: client.post("/account", data={"color_scheme": "dark"}),
        "columns": lambda: client.post("/account/columns", data={"resource": "students", "columns": ["grade"]}),
        "password": lambda: client.post("/account/password", data=passwords),
    }
    for name, write in writes.items():
        late = after_commit()
        assert write().status_code == 302, name
        assert late == [], name
