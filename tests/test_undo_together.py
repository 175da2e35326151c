"""Two people at once: an undo never replaces a change its person was not asked about, a change set is undone once
however many press Undo together, and an undo of a row deleted since says so. Where it takes two requests at the same
moment, they run in two threads, one held at a point of its transaction while the other goes ahead."""

import re
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from helpers import read, signed_in
from models import ChangeSet, Student, User, db
from test_bulk import confirm
from test_undo import new_student, newest_change_set
from test_undo_faults import edit, messages, undone


def undo_anyway(client, change_set_id, asked=None):
    """Presses "Undo anyway" on the confirmation (`asked`, else the one shown now), posting what its form holds."""
    html = asked or client.post(f"/changes/{change_set_id}/undo").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/changes/\d+/undo" class="actions">.*?</form>', html, re.S).group(0)
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)) | {"overwrite": "yes"}
    return client.post(f"/changes/{change_set_id}/undo", data=data)


def test_a_change_made_after_the_confirmation_is_not_replaced_unasked(client, app, client_as):
    id = new_student(client, app)
    first = edit(client, id, gpa="2.00")
    edit(client, id, gpa="2.50")
    asked = client.post(f"/changes/{first}/undo").get_data(as_text=True)
    assert "Undo over later changes?" in asked
    edit(client_as("editor"), id, gpa="2.75")  # someone else saves while the question is open
    undo_anyway(client, first, asked)
    assert "Not undone: A editor changed what it would put back after you were asked. Look again, then undo." \
        in messages(client)
    assert str(read(app, Student, id=id)[0].gpa) == "2.75" and not undone(app, first)
    asked_again = client.post(f"/changes/{first}/undo").get_data(as_text=True)
    assert "Undo over later changes?" in asked_again and "2.75" in asked_again
    undo_anyway(client, first, asked_again)
    assert str(read(app, Student, id=id)[0].gpa) == "3.00" and undone(app, first)


def test_undo_of_an_edit_of_a_student_deleted_since_says_so_and_undoes_nothing(client, app):
    id = new_student(client, app)
    first = edit(client, id, gpa="2.00")
    client.post(f"/students/{id}/delete")
    assert "Undo over later changes?" in client.post(f"/changes/{first}/undo").get_data(as_text=True)
    assert undo_anyway(client, first).status_code == 302
    assert ("Not undone: nothing could be put back: student “Ana Ruiz” as it was: it has been deleted since."
            in messages(client))
    assert read(app, Student) == [] and not undone(app, first)


@contextmanager
def held(app, thread: str, statement: str | None = None):
    """Holds the thread named `thread` at its first statement starting with `statement` (else at its first commit)
    until let go: yields (the event set once it is held there, the one that lets it go)."""
    reached, release = threading.Event(), threading.Event()

    def hold(conn, *args):
        if threading.current_thread().name == thread and not reached.is_set() and (
                statement is None or args[1].lstrip().upper().startswith(statement)):
            reached.set()
            release.wait(30)

    with app.app_context():
        engine = db.engine
    kind = "commit" if statement is None else "before_cursor_execute"
    event.listen(engine, kind, hold)
    try:
        yield reached, release
    finally:
        release.set()
        event.remove(engine, kind, hold)


def in_thread(name: str, work) -> tuple[threading.Thread, dict]:
    """Runs `work()` in a thread of this name; its answer (or what it raised) is in the dict once joined."""
    outcome = {}

    def run():
        try:
            outcome["answer"] = work()
        except Exception as error:  # a 500: the test client raises what the view raised
            outcome["error"] = error

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread, outcome


def wait_until_waiting_for_a_lock(backend, seconds=30):
    """Until a transaction waits for another's lock on the server; SQLite's wait (for its write lock) shows
    nowhere, so there a pause long enough for the second request to reach it."""
    if backend.url is None:
        time.sleep(1)
        return
    # MariaDB: a locking read of one row by its key waits in the optimizer ("Statistics"), where innodb_trx may not
    # list it as waiting yet: a locking statement still running is one waiting, as nothing else holds it up here.
    query = ("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'" if backend.name == "postgresql"
             else "SELECT count(*) FROM information_schema.processlist WHERE info LIKE '%%FOR UPDATE%%' AND time >= 1")
    deadline = time.monotonic() + seconds
    with backend.admin.connect() as connection:
        while time.monotonic() < deadline:
            if connection.exec_driver_sql(query).scalar():
                return
            time.sleep(0.05)
    raise AssertionError("the second request never waited for the first")


@pytest.mark.parametrize("what", ["edit", "delete"])
def test_two_undos_of_one_change_at_the_same_moment_undo_it_once(client, app, backend, what):
    id = new_student(client, app)
    if what == "edit":
        first = edit(client, id, gpa="2.00", grade="8")
    else:
        client.post(f"/students/{id}/delete")
        first = newest_change_set(app)
    second_tab = signed_in(app, "root@example.org")
    with held(app, "first") as (reached, release):  # the first undo, held at its commit
        first_undo, first_outcome = in_thread("first", lambda: client.post(f"/changes/{first}/undo"))
        assert reached.wait(10)
        second_undo, second_outcome = in_thread("second", lambda: second_tab.post(f"/changes/{first}/undo"))
        wait_until_waiting_for_a_lock(backend)
        release.set()
        first_undo.join(30), second_undo.join(30)
    assert "error" not in first_outcome and "error" not in second_outcome, (first_outcome, second_outcome)
    assert first_outcome["answer"].status_code == second_outcome["answer"].status_code == 302
    assert len(read(app, ChangeSet, undoes_id=first)) == 1
    [student] = read(app, Student, id=id)
    assert (str(student.gpa), student.grade, student.version) == ("3.00", 7, 3 if what == "edit" else 2)
    said = messages(second_tab)
    assert "That change was undone already." in said or "Not undone: that change has been undone already" in said


@pytest.mark.backends("postgresql", "mariadb")  # SQLite: a request that may write holds the write lock throughout
def test_a_change_saved_while_an_undo_runs_is_not_replaced_unasked(client, app, add, client_as):
    lisa, omar, zoe = (add(User, name=n, email=f"{n}@example.org") for n in ("Lisa", "Omar", "Zoe"))
    ids = [new_student(client, app, email=f"s{n}@school.example", advisor_id=str(lisa)) for n in range(3)]
    confirm(client, "/students/bulk", action="set-advisor", all="1", query="", advisor_id=str(omar))
    bulk = newest_change_set(app)
    editor = client_as("editor")
    with held(app, "undo", statement="INSERT INTO CHANGE_SETS") as (reached, release):  # past its checks
        undoing, outcome = in_thread("undo", lambda: client.post(f"/changes/{bulk}/undo"))
        assert reached.wait(10)
        edit(editor, ids[1], email="s1@school.example", advisor_id=str(zoe))
        release.set()
        undoing.join(30)
    assert "error" not in outcome, outcome
    assert [read(app, Student, id=id)[0].advisor_id for id in ids] == [omar, zoe, omar]
    assert "Not undone: A editor changed what it would put back at the same moment." in messages(client)
    assert not undone(app, bulk)


def test_undo_of_a_bulk_change_says_which_rows_were_deleted_since(client, app, add):
    lisa, omar = (add(User, name=n, email=f"{n}@example.org") for n in ("Lisa", "Omar"))
    ids = [new_student(client, app, name=f"Student {n}", email=f"s{n}@school.example", advisor_id=str(lisa))
           for n in range(3)]
    confirm(client, "/students/bulk", action="set-advisor", all="1", query="", advisor_id=str(omar))
    bulk = newest_change_set(app)
    client.post(f"/students/{ids[1]}/delete")
    assert undo_anyway(client, bulk).status_code == 302
    said = messages(client)
    assert "Undone: set advisor on 3 students (a bulk change)." in said
    assert "Could not bring back student “Student 1” as it was: it has been deleted since." in said
    assert [s.advisor_id for s in read(app, Student)] == [lisa, lisa]
