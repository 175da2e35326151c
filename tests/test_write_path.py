"""Every change to users, students, courses and enrollments goes through records (the write path)."""

from urllib.parse import parse_qsl

import pytest
from flask import abort
from sqlalchemy import event, update
from werkzeug.datastructures import MultiDict

import records
from helpers import read, signed_in
from records.guard import WriteOutsideWritePath
from resources import STUDENTS
from models import ChangeSet, Course, Student, User, db


def route(app, name, view):
    app.add_url_rule(f"/test/{name}", name, view, methods=["POST"])
    return signed_in(app, "root@example.org")


def test_a_request_adding_a_row_around_the_write_path_fails(app):
    def add_directly():
        db.session.add(Course(code="ART-1", title="Art", credits=1))
        db.session.commit()
        return "added"

    with pytest.raises(WriteOutsideWritePath):
        route(app, "add", add_directly).post("/test/add")
    assert read(app, Course) == []


def test_a_request_editing_a_row_around_the_write_path_fails(app, add):
    student_id = add(Student, name="Ana", email="ana@school.example")

    def edit_directly():
        db.session.get(Student, student_id).grade = 9
        db.session.commit()
        return "edited"

    with pytest.raises(WriteOutsideWritePath):
        route(app, "edit", edit_directly).post("/test/edit")
    assert read(app, Student)[0].grade == 5


def test_a_request_updating_rows_by_statement_around_the_write_path_fails(app, add):
    add(Student, name="Ana", email="ana@school.example")

    def update_directly():
        db.session.execute(update(Student).values(grade=9))
        db.session.commit()
        return "updated"

    with pytest.raises(WriteOutsideWritePath):
        route(app, "update", update_directly).post("/test/update")
    assert read(app, Student)[0].grade == 5


def test_a_command_changing_a_row_around_the_write_path_fails(app, add):
    user_id = add(User, name="Ada", email="ada@example.org")

    @app.cli.command("rename-directly")
    def rename_directly():
        db.session.get(User, user_id).name = "Eve"
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["rename-directly"])
    assert isinstance(result.exception, WriteOutsideWritePath)
    assert read(app, User, id=user_id)[0].name == "Ada"


def test_a_change_through_the_write_path_is_committed(app):
    def add_through_records():
        with records.change() as session:
            session.add(Course(code="ART-1", title="Art", credits=1))
        return "added"

    assert route(app, "add", add_through_records).post("/test/add").status_code == 200
    assert [course.code for course in read(app, Course)] == ["ART-1"]


def test_a_change_that_fails_part_way_writes_nothing(app):
    def fail_half_way():
        with records.change() as session:
            session.add(Course(code="ART-1", title="Art", credits=1))
            session.flush()
            abort(409)

    assert route(app, "fail", fail_half_way).post("/test/fail").status_code == 409
    assert read(app, Course) == []


def test_a_change_within_a_change_commits_once_at_the_end(app):
    def nested():
        with records.change() as session:
            records.account("ada@example.org", "Ada", "editor", "a long enough password")
            session.add(Course(code="ART-1", title="Art", credits=1))
            abort(409)

    assert route(app, "nested", nested).post("/test/nested").status_code == 409
    assert read(app, User, email="ada@example.org") == [] and read(app, Course) == []


def test_every_row_a_list_matches_comes_in_the_order_of_its_pages(app, client, add):
    add.many(Student, [{"name": f"Kid {n % 7}", "email": f"kid{n}@school.example", "grade": n % 3 + 1,
                        "gpa": None if n % 4 == 0 else n / 10} for n in range(40)])
    for query in ("sort=-gpa", "sort=grade&q=kid", "grade=2&sort=name", "q=kid 3&sort=-enrolled"):
        args = STUDENTS.listing.args(MultiDict(parse_qsl(query)))
        with app.test_request_context():
            ids = db.session.scalars(STUDENTS.listing.matching_ids(args)).all()
            paged, number, more = [], 1, True
            while more:
                page = STUDENTS.listing.page(STUDENTS.listing.args(MultiDict({**args.params(), "per_page": 4, "page": number})))
                paged, number, more = paged + [student.id for student in page.items], number + 1, page.has_next
        assert len(ids) > 4 and ids == paged, query


@pytest.fixture
def after_commit(app):
    """The statements each request runs after its last commit. A commit before it, as a sign-in's of its attempt
    (sign_in_limits.Attempt.claim), is a write of its own: what follows it is the request's work, not its answer."""
    with app.app_context():
        engine = db.engine
    late, committed = [], []

    def record(conn, cursor, statement, *args):
        if committed and statement.split(None, 1)[0].upper() not in ("BEGIN", "ROLLBACK"):
            late.append(statement)

    def commit(conn):
        committed.append(True)
        late.clear()

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", commit)
    def from_now_on():
        committed.clear()
        late.clear()
        return late

    yield from_now_on
    event.remove(engine, "before_cursor_execute", record)
    event.remove(engine, "commit", commit)


def test_nothing_after_a_commit_needs_the_database(app, client, add, after_commit):
    course = add(Course, code="ART-1", title="Art", credits=1)
    student = add(Student, name="Ana", email="ana@school.example")
    user = add(User, name="Eve", email="eve@example.org", role="editor")
    posts = [
        (f"/users/{user}/edit", {"name": "Eve", "email": "eve@example.org", "role": "viewer", "active": "y"}),
        ("/students/new", {"name": "Bea", "email": "bea@school.example", "grade": "3", "enrolled_on": "2024-09-01"}),
        (f"/students/{student}/edit", {"name": "Ana B", "email": "ana@school.example", "grade": "4",
                                       "enrolled_on": "2024-09-01"}),
        (f"/courses/{course}/enrollments", {"student_id": str(student)}),
        (f"/courses/{course}/enrollments/{student}/delete", {}),
        (f"/courses/{course}/delete", {}),
        ("/sign-out", {}),
    ]
    for path, data in posts:
        late = after_commit()
        assert client.post(path, data=data).status_code in (302, 303), path
        assert late == [], path


@pytest.mark.parametrize("back", ["detail", "index"])
def test_nothing_after_an_undo_commits_needs_the_database(app, client, add, after_commit, back):
    course = add(Course, code="ART-1", title="Art", credits=1)
    assert client.post(f"/courses/{course}/delete").status_code == 302
    with app.app_context():
        deleted = db.session.scalar(db.select(db.func.max(ChangeSet.id)))
    page = f"http://localhost/courses/{course}" if back == "detail" else "http://localhost/courses"
    late = after_commit()
    response = client.post(f"/changes/{deleted}/undo", headers={"Referer": page})
    assert response.status_code == 302 and late == []
    assert response.headers["Location"] == page.removeprefix("http://localhost")  # the restored course's page
    assert read(app, Course, id=course) != []
