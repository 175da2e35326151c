"""List and detail pages run at most 3 SQL statements (the signed-in user's load counts), the same number whether
they show 10 related rows or 100."""

import pytest
from sqlalchemy import insert

from models import Course, Enrollment, Student, User, db

SMALL, LARGE = 10, 100
MOST = 3


@pytest.fixture
def crowd(app):
    """Two users, two courses and two students: the 'small' ones have 10 related rows, the 'large' ones 100."""
    with app.app_context():
        def add_many(model, rows):
            db.session.execute(insert(model), rows)
            return [row.id for row in db.session.scalars(db.select(model).order_by(model.id.desc()).limit(len(rows)))][::-1]

        small_user, large_user = add_many(User, [{"name": f"U{n}", "email": f"u{n}@example.org", "search_text": ""} for n in (1, 2)])
        courses = add_many(Course, [
            {"code": f"C-{n}", "title": "Course", "credits": 3, "search_text": "",
             "teacher_id": small_user if n < SMALL else large_user}
            for n in range(SMALL + LARGE)
        ])
        students = add_many(Student, [
            {"name": f"S{n:03}", "email": f"s{n}@example.org", "grade": 5, "search_text": "",
             "advisor_id": small_user if n < SMALL else large_user}
            for n in range(SMALL + LARGE)
        ])
        small_student, large_student = students[0], students[1]
        small_course, large_course = courses[0], courses[1]
        enrollments = {(small_student, c) for c in courses[:SMALL]} | {(large_student, c) for c in courses[:LARGE]}
        enrollments |= {(s, small_course) for s in students[:SMALL]} | {(s, large_course) for s in students[:LARGE]}
        db.session.execute(insert(Enrollment), [{"student_id": s, "course_id": c} for s, c in enrollments])
        db.session.commit()
    return {
        "user": (small_user, large_user),
        "student": (small_student, large_student),
        "course": (small_course, large_course),
    }


def statements(client, count_statements, path):
    count_statements.clear()
    assert client.get(path).status_code == 200
    return len(count_statements)


@pytest.mark.parametrize(
    "path",
    ["/users", "/students", "/courses", "/students?advisor=1&course=1", "/courses?teacher=2", "/students?q=s0&sort=-gpa"],
)
def test_list_page_statements_do_not_grow_with_rows(client, crowd, count_statements, path):
    joiner = "&" if "?" in path else "?"
    small = statements(client, count_statements, f"{path}{joiner}per_page={SMALL}")
    large = statements(client, count_statements, f"{path}{joiner}per_page={LARGE}")
    assert small == large <= MOST


@pytest.mark.parametrize("path", ["/students?q=nobody", "/students?grade=12", "/courses/{id}?q=nobody"])
def test_a_list_counted_to_no_rows_looks_for_none(client, crowd, count_statements, path):
    """A search that matches nothing is counted: finding its page's rows would search again for none."""
    count_statements.clear()
    html = client.get(path.format(id=crowd["course"][0])).get_data(as_text=True)
    assert "No " in html or "no " in html
    assert not [s for s in count_statements if "ORDER BY students." in s], count_statements


@pytest.mark.parametrize(
    "path",
    [
        "/users/{id}",
        "/students/{id}",
        "/courses/{id}?per_page=100",
        "/courses/{id}?per_page=100&q=s0&sort=-grade",
        "/courses/{id}/enroll?find=s0",
        "/users/{id}/confirm-delete",
        "/students/{id}/confirm-delete",
        "/courses/{id}/confirm-delete",
    ],
)
def test_detail_page_statements_do_not_grow_with_related_rows(client, crowd, count_statements, path):
    kind = path.split("/")[1][:-1]
    small_id, large_id = crowd[kind]
    small = statements(client, count_statements, path.format(id=small_id))
    large = statements(client, count_statements, path.format(id=large_id))
    assert small == large <= MOST


def test_edit_page_statements_do_not_grow_with_related_rows(client, crowd, count_statements):
    small_id, large_id = crowd["student"]
    small = statements(client, count_statements, f"/students/{small_id}/edit")
    large = statements(client, count_statements, f"/students/{large_id}/edit")
    assert small == large


@pytest.mark.parametrize("path", ["/courses/{id}/print", "/students/print?advisor={user}"])
def test_printout_statements_do_not_grow_with_rows(client, crowd, count_statements, path):
    small = statements(client, count_statements, path.format(id=crowd["course"][0], user=crowd["user"][0]))
    large = statements(client, count_statements, path.format(id=crowd["course"][1], user=crowd["user"][1]))
    assert small == large
