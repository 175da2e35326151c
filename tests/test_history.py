"""The change history: every change of the write path is recorded, who made it, and each field before and after."""

import json
import re
from datetime import datetime

import records
from helpers import PASSWORD, read, signed_in
from models import Change, ChangeSet, Course, Student, User, db

STUDENT = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "7", "gpa": "3.25", "enrolled_on": "2024-09-01"}


def changes(app, **where):
    return [(c.table_name, c.action, json.loads(c.data)) for c in read(app, Change, **where)]


def test_a_create_records_every_field_and_who(client, app):
    client.post("/students/new", data=STUDENT)
    [(table, action, data)] = changes(app)
    assert (table, action) == ("students", "create")
    assert data["name"] == [None, "Ana Ruiz"] and data["gpa"] == [None, "3.25"] and data["course_ids"] == [None, []]
    assert "search_text" not in data and "version" not in data
    [change_set] = read(app, ChangeSet)
    assert (change_set.user_name, change_set.user_id) == ("Root Admin", 1)


def test_an_edit_records_only_what_changed_and_raises_the_version(client, app, add):
    id = add(Student, name="Ana Ruiz", email="ana@school.example", grade=7)
    client.post(f"/students/{id}/edit", data={**STUDENT, "grade": "8", "version": "1"})
    [(table, action, data)] = changes(app)
    assert (action, data) == ("edit", {"grade": [7, 8], "gpa": [None, "3.25"], "enrolled_on": data["enrolled_on"]})
    assert read(app, Student)[0].version == 2


def test_a_delete_keeps_the_row_and_its_enrollments(client, app, add):
    course = add(Course, code="MATH-101", title="Algebra", credits=3)
    client.post("/students/new", data={**STUDENT, "course_ids": [str(course)]})
    id = read(app, Student)[0].id
    client.post(f"/students/{id}/delete", data={"version": "1"})
    [(_, action, data)] = changes(app, action="delete")
    assert data["name"] == ["Ana Ruiz", None] and data["course_ids"] == [[course], None]
    [deleted] = read(app, Change, action="delete")
    assert json.loads(deleted.labels) == {"course_ids": {str(course): "MATH-101"}}


def test_enrolling_from_a_course_page_is_in_both_histories(client, app, add):
    course = add(Course, code="MATH-101", title="Algebra", credits=3)
    student = add(Student, name="Ana Ruiz", email="ana@school.example", grade=7)
    client.post(f"/courses/{course}/enrollments", data={"student_id": student})
    recorded = {(table, json.dumps(data)) for table, _, data in changes(app)}
    assert recorded == {
        ("students", json.dumps({"course_ids": {"+": [course], "-": []}})),
        ("courses", json.dumps({"student_ids": {"+": [student], "-": []}})),
    }
    assert read(app, Student)[0].version == 2 and read(app, Course)[0].version == 2


def test_a_new_password_is_recorded_as_set_never_its_hash(client, app, add):
    id = add(User, name="Ada", email="ada@example.org")
    client.post(f"/users/{id}/edit", data={"name": "Ada", "email": "ada@example.org", "role": "viewer", "active": "y",
                                          "new_password": PASSWORD, "version": "1"})
    [(_, _, data)] = changes(app)
    assert data == {"password": [False, True]}
    stored = " ".join(c.data + c.labels for c in read(app, Change))
    user = read(app, User, id=id)[0]
    assert user.password_hash not in stored and user.session_token not in stored


def test_prune_deletes_the_history_before_a_day_and_asks_first(client, app):
    client.post("/students/new", data=STUDENT)
    with app.app_context():
        db.session.execute(db.update(ChangeSet).values(at=datetime(2020, 1, 1)))
        db.session.commit()
    client.post("/students/new", data={**STUDENT, "email": "other@school.example"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["history", "prune", "--before", "2021-01-01"], input="n\n").exit_code == 1
    assert len(read(app, Change)) == 2
    result = runner.invoke(args=["history", "prune", "--before", "2021-01-01", "--yes"])
    assert "Deleted the history of 1 change made before 1 January 2021." in result.output
    assert [json.loads(c.data)["email"][1] for c in read(app, Change)] == ["other@school.example"]
    assert len(read(app, Student)) == 2


def test_the_changes_page_filters_by_who_record_kind_of_change_and_day(client, app, add):
    maria = add(User, name="Maria Lopez", email="maria@example.org", role="admin")
    client.post("/students/new", data=STUDENT)
    client.post("/courses/new", data={"code": "MATH-1", "title": "Algebra", "credits": "3"})
    signed_in(app, "maria@example.org").post("/students/1/delete")
    with app.app_context():
        db.session.execute(db.update(ChangeSet).where(ChangeSet.id == 1).values(at=datetime(2024, 3, 5, 10)))
        db.session.commit()

    def shown(query):
        html = client.get(f"/changes?{query}").get_data(as_text=True)
        return [(m.group(1), m.group(2)) for m in re.finditer(r"<strong>([^<]+)</strong>\s*(added|changed|deleted)", html)]

    assert shown("") == [("Maria Lopez", "deleted"), ("Root Admin", "added"), ("Root Admin", "added")]
    assert shown(f"user={maria}") == [("Maria Lopez", "deleted")]
    assert shown("kind=courses") == [("Root Admin", "added")]
    assert shown("action=delete") == [("Maria Lopez", "deleted")]
    assert shown("since=2024-03-05&until=2024-03-05") == [("Root Admin", "added")]
    assert shown("until=2024-03-04") == []
    assert shown("before=2147483648&user=-1&since=2024-02-30") == shown("")  # what cannot be read is ignored


def test_a_password_change_reads_as_set_on_the_history_page(client, app, add):
    id = add(User, name="Ada", email="ada@example.org")
    client.post(f"/users/{id}/edit", data={"name": "Ada", "email": "ada@example.org", "role": "viewer", "active": "y",
                                          "new_password": PASSWORD, "version": "1"})
    assert "<li>Password: set</li>" in client.get(f"/users/{id}/history").get_data(as_text=True)


def test_the_first_admin_is_added_by_the_first_run_setup(make_app):
    app = make_app()
    with app.app_context():
        db.create_all()
    app.test_client().post("/setup", data={"name": "Ada", "email": "ada@example.org", "password": PASSWORD,
                                           "confirm": PASSWORD})
    assert [change_set.user_name for change_set in read(app, ChangeSet)] == ["First-run setup"]



def added(app, *batches):
    """Students added through the write path (so their history is written): one change set per batch of names."""
    with app.app_context():
        for names in batches:
            with records.change() as session:
                session.add_all([Student(name=name, email=f"{name.replace(' ', '.')}@school.example", grade=5)
                                 for name in names])
    return max(c.id for c in read(app, ChangeSet))


def names_shown(html):
    return re.findall(r"added\s+student\s+<a[^>]*>(Student \d+)</a>", html)


def test_the_changes_page_shows_a_big_change_set_as_its_newest_rows_and_links_the_rest(client, app):
    change_set = added(app, [f"Student {i:02}" for i in range(30)])
    html = client.get("/changes").get_data(as_text=True)
    assert names_shown(html) == ["Student 29", "Student 28", "Student 27"]
    assert f'<a href="/changes?set={change_set}">27 more changes in this one →</a>' in html
    every = client.get(f"/changes?set={change_set}").get_data(as_text=True)
    assert len(names_shown(every)) == 30
    assert "Remove filter Change: one change set" in every


def test_the_changes_page_goes_back_a_page_of_change_sets_at_a_time(client, app):
    added(app, *([f"Student {i:02}"] for i in range(30)))
    first = client.get("/changes").get_data(as_text=True)
    assert names_shown(first) == [f"Student {i:02}" for i in range(29, 4, -1)]
    older = re.search(r'href="(/changes\?before=\d+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert names_shown(client.get(older).get_data(as_text=True)) == [f"Student {i:02}" for i in range(4, -1, -1)]
