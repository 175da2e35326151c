"""A bulk action with two people at once: what someone else changed or deleted after the confirmation was shown is
never acted on unasked; the confirmation is shown again, counting what changed."""

import re

import pytest

from database.backend import backend
from helpers import read
from models import ChangeSet, Student
from test_bulk import students
from test_undo_together import held, in_thread


def previewed(client, form, path="/students/bulk") -> dict:
    """The confirmation's step, and what it posts to run the action."""
    html = client.post(path, data={**form, "then": "preview"}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    return {**form, **hidden, "then": "run"}


def test_a_ticked_row_deleted_after_the_confirmation_asks_again_and_changes_none(client, app, add, client_as):
    ids = students(add, 3)
    run = previewed(client, {"action": "set-grade", "id": [str(id) for id in ids], "grade": "10"})
    client_as("editor").post(f"/students/{ids[1]}/delete")
    page = client.post("/students/bulk", data=run).get_data(as_text=True)
    assert "1 of the 3 ticked students no longer exist (deleted meanwhile): the action is for the others." in page
    assert "The selection now holds 2 students, not 3: someone added, changed or deleted some meanwhile." in page
    assert sorted(s.grade for s in read(app, Student)) == [9, 9]


def test_a_matching_row_deleted_after_the_confirmation_asks_again_and_changes_none(client, app, add, client_as):
    ids = students(add, 3)
    run = previewed(client, {"action": "set-grade", "all": "1", "query": "", "grade": "10"})
    client_as("editor").post(f"/students/{ids[0]}/delete")
    page = client.post("/students/bulk", data=run).get_data(as_text=True)
    assert "The selection now holds 2 students, not 3: someone added, changed or deleted some meanwhile." in page
    assert sorted(s.grade for s in read(app, Student)) == [9, 9]


def test_a_bulk_delete_after_which_a_row_was_edited_asks_again_and_deletes_none(client, app, add, client_as):
    ids = students(add, 3)
    run = previewed(client, {"action": "delete", "id": [str(id) for id in ids]})
    editor = client_as("editor")
    [student] = read(app, Student, id=ids[2])
    saved = editor.post(f"/students/{ids[2]}/edit", data={"name": "Student 002", "email": student.email, "grade": "10",
                                                          "enrolled_on": "2024-09-01", "version": str(student.version)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    page = client.post("/students/bulk", data=run).get_data(as_text=True)
    assert "1 of these students changed since you were shown what would happen" in page
    assert len(read(app, Student)) == 3


@pytest.mark.backends("postgresql", "mariadb")  # SQLite: a request that may write holds the write lock throughout
def test_a_row_saved_while_a_bulk_action_runs_is_not_overwritten_unasked(client, app, add, client_as):
    ids = students(add, 3)
    run = previewed(client, {"action": "set-grade", "all": "1", "query": "", "grade": "10"})
    editor = client_as("editor")
    with held(app, "bulk", statement="INSERT INTO CHANGE_SETS") as (reached, release):  # past its checks
        running, outcome = in_thread("bulk", lambda: client.post("/students/bulk", data=run))
        assert reached.wait(10)
        [student] = read(app, Student, id=ids[1])
        saved = editor.post(f"/students/{ids[1]}/edit", data={
            "name": student.name, "email": student.email, "grade": "11", "enrolled_on": "2024-09-01",
            "version": str(student.version)})
        assert saved.status_code == 302
        release.set()
        running.join(30)
    assert "error" not in outcome, outcome
    page = outcome["answer"].get_data(as_text=True)
    assert "1 of these students changed while it ran: nothing was changed. Check again, then confirm." in page
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 11]


def deleted_as_it_runs(app, client, run: dict, editor, id: int):
    """The answer to the bulk action `run` posted, during which, past its checks, `editor` deletes student `id`."""
    with held(app, "bulk", statement="INSERT INTO CHANGE_SETS") as (reached, release):  # past its checks
        running, outcome = in_thread("bulk", lambda: client.post("/students/bulk", data=run))
        assert reached.wait(10)
        assert editor.post(f"/students/{id}/delete").status_code == 302
        release.set()
        running.join(30)
    assert "error" not in outcome, outcome
    return outcome["answer"]


@pytest.mark.backends("postgresql", "mariadb")  # SQLite: nobody deletes while it runs (the test below)
@pytest.mark.parametrize("ticked", [True, False], ids=["ticked", "all matching"])
def test_a_row_deleted_while_a_bulk_action_runs_is_said_and_nothing_is_changed(client, app, add, client_as, ticked):
    ids = students(add, 3)
    selection = {"id": [str(id) for id in ids]} if ticked else {"all": "1", "query": ""}
    run = previewed(client, {"action": "set-grade", "grade": "10", **selection})
    page = deleted_as_it_runs(app, client, run, client_as("editor"), ids[1]).get_data(as_text=True)
    deleted = "1 of these students was deleted" if ticked else "1 student was deleted"
    assert f"{deleted} while it ran: nothing was changed. Check again, then confirm." in page
    assert sorted(s.grade for s in read(app, Student)) == [9, 9]
    assert [c.summary for c in read(app, ChangeSet) if c.summary] == []
    assert "Set grade for 2 students" in page  # confirmed again, it acts on the two left
    again = previewed(client, {"action": "set-grade", "grade": "10", **selection})
    assert again["count"] == "2"
    assert client.post("/students/bulk", data=again).status_code == 302
    assert sorted(s.grade for s in read(app, Student)) == [10, 10]


@pytest.mark.backends("postgresql", "mariadb")
def test_a_row_outside_the_ticked_ones_deleted_while_a_bulk_action_runs_changes_nothing_for_it(client, app, add,
                                                                                              client_as):
    ids = students(add, 3)
    run = previewed(client, {"action": "set-grade", "grade": "10", "id": [str(id) for id in ids[:2]]})
    assert deleted_as_it_runs(app, client, run, client_as("editor"), ids[2]).status_code == 302
    assert sorted(s.grade for s in read(app, Student)) == [10, 10]


@pytest.mark.backends("sqlite")
def test_on_sqlite_nobody_saves_between_a_bulk_actions_check_and_its_statements(client, app, add, client_as):
    """Why a bulk action does not look for rows saved or deleted as it ran on SQLite (writers_take_turns): a delete
    posted once the action has checked the rows waits for its commit, then deletes from what the action left."""
    with app.app_context():
        assert backend().writers_take_turns
    ids = students(add, 3)
    run = previewed(client, {"action": "set-grade", "all": "1", "query": "", "grade": "10"})
    editor = client_as("editor")
    with held(app, "bulk", statement="SELECT COUNT(*) AS COUNT_1 \nFROM CHANGES") as (reached, release):  # its check
        running, outcome = in_thread("bulk", lambda: client.post("/students/bulk", data=run))
        assert reached.wait(10)
        deleting, deleted = in_thread("delete", lambda: editor.post(f"/students/{ids[1]}/delete"))
        deleting.join(2)
        assert deleting.is_alive()  # waiting for the write lock the bulk action's request took at its BEGIN
        release.set()
        running.join(30)
        deleting.join(30)
    assert "error" not in outcome and "error" not in deleted, (outcome, deleted)
    assert outcome["answer"].status_code == 302 and deleted["answer"].status_code == 302
    assert max(read(app, ChangeSet), key=lambda c: c.id).summary is None  # the delete, after the bulk action
    assert "set grade on 3 students" in [c.summary for c in read(app, ChangeSet)]
    assert sorted(s.grade for s in read(app, Student)) == [10, 10]
