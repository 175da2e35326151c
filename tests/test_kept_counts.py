"""The counts of related rows the triggers keep (database/kept_counts.py) stay equal to counting the rows, whatever
statement changed them: row by row through the ORM, set-based, or by a foreign key's cascade."""

import pytest
from sqlalchemy import delete, insert, select, update

from database.kept_counts import RELATIONS
from models import Course, Enrollment, Student, User, db, related_counts
import records
from records import bulk


@pytest.fixture
def school(app):
    """Three users, four courses taught by the first two, twenty students advised by them and enrolled in two
    courses each."""
    with app.app_context():
        db.session.execute(insert(User), [{"name": f"U{n}", "email": f"u{n}@example.org", "search_text": ""}
                                          for n in range(3)])
        users = db.session.scalars(select(User.id).where(User.email.like("u%")).order_by(User.id)).all()
        db.session.execute(insert(Course), [{"code": f"C{n}", "title": "T", "credits": 3, "search_text": "",
                                             "teacher_id": users[n % 2]} for n in range(4)])
        courses = db.session.scalars(select(Course.id).order_by(Course.id)).all()
        db.session.execute(insert(Student), [{"name": f"S{n:02}", "email": f"s{n}@example.org", "grade": 5,
                                              "search_text": "", "advisor_id": users[n % 2]} for n in range(20)])
        students = db.session.scalars(select(Student.id).order_by(Student.id)).all()
        db.session.execute(insert(Enrollment), [{"student_id": s, "course_id": courses[(i + k) % 4]}
                                                for i, s in enumerate(students) for k in (0, 1)])
        db.session.commit()
    return {"users": users, "courses": courses, "students": students}


def kept(app) -> dict:
    with app.app_context():
        rows = db.session.execute(select(related_counts.c.relation, related_counts.c.row_id, related_counts.c.row_count))
        return {(relation, row_id): n for relation, row_id, n in rows if n}


def counted(app) -> dict:
    with app.app_context():
        found = {}
        for relation, (table, key) in RELATIONS.items():
            rows = db.session.execute(db.text(f"SELECT {key}, count(*) FROM {table} WHERE {key} IS NOT NULL "
                                              f"GROUP BY {key}"))
            found |= {(relation, row_id): n for row_id, n in rows}
        return found


def change(app, *statements):
    with app.app_context():
        for statement in statements:
            db.session.execute(statement)
        db.session.commit()


def test_counts_are_kept_for_rows_added_by_statements(app, school):
    assert kept(app) == counted(app)
    assert kept(app)[("advisees", school["users"][0])] == 10


def test_counts_follow_row_by_row_orm_changes(app, school):
    users, students = school["users"], school["students"]
    with app.app_context():
        student = db.session.get(Student, students[0])
        student.advisor_id = users[2]
        db.session.delete(db.session.get(Student, students[1]))
        db.session.add(Student(name="New", email="new@example.org", grade=1, advisor_id=users[2]))
        db.session.add(Enrollment(student_id=students[4], course_id=school["courses"][3]))
        db.session.commit()
    assert kept(app)[("advisees", users[2])] == 2
    assert kept(app) == counted(app)


def test_counts_follow_a_bulk_update_of_advisors(app, school):
    users, students = school["users"], school["students"]
    change(app, update(Student).where(Student.id.in_(students[:15])).values(advisor_id=users[2]))
    assert kept(app)[("advisees", users[2])] == 15
    assert kept(app) == counted(app)


def test_counts_follow_a_bulk_update_that_unsets_advisors(app, school):
    change(app, update(Student).where(Student.id.in_(school["students"][:7])).values(advisor_id=None))
    assert kept(app) == counted(app)


def test_counts_follow_an_insert_select_into_enrollments(app, school):
    course = school["courses"][0]
    not_enrolled = select(Student.id, db.literal(course)).where(
        Student.id.not_in(select(Enrollment.student_id).where(Enrollment.course_id == course)))
    change(app, insert(Enrollment).from_select(["student_id", "course_id"], not_enrolled))
    assert kept(app)[("students", course)] == 20
    assert kept(app) == counted(app)


def test_counts_follow_a_delete_of_many_students_and_their_enrollments(app, school):
    change(app, delete(Student).where(Student.id.in_(school["students"][:12])))
    assert kept(app) == counted(app)


def test_counts_follow_a_bulk_change_of_teachers(app, school):
    users = school["users"]
    change(app, update(Course).where(Course.teacher_id == users[0]).values(teacher_id=users[1]))
    assert kept(app)[("taught", users[1])] == 4
    assert kept(app) == counted(app)


def test_counts_follow_deleting_a_user_through_the_app(app, client, school):
    response = client.post(f"/users/{school['users'][0]}/delete")
    assert response.status_code == 302
    assert kept(app) == counted(app)


def test_counts_follow_deleting_a_student_through_the_app(app, client, school):
    response = client.post(f"/students/{school['students'][0]}/delete")
    assert response.status_code == 302
    assert kept(app) == counted(app)


def test_users_list_shows_the_kept_advisee_count(client, school):
    html = client.get("/users").get_data(as_text=True)
    assert f'<a href="/students?advisor={school["users"][0]}">10</a>' in html


@pytest.mark.parametrize("kind", ["students", "courses"])
def test_counts_follow_the_write_paths_bulk_delete(app, school, kind):
    """records.bulk.delete: on SQLite the per-row delete triggers stand aside and one statement adjusts each count
    (database/deleting.py); after it, the triggers count again."""
    model = {"students": Student, "courses": Course}[kind]
    with app.app_context():
        with records.change() as session:
            bulk.delete(session, model, select(model.id).where(model.id.in_(school[kind][:3])))
        remaining = {t: db.session.scalar(select(db.func.count()).select_from(db.table(t))) for t in ("students", "courses")}
        kept_rows = dict(db.session.execute(db.text("SELECT table_name, row_count FROM row_counts")).all())
    assert kept(app) == counted(app)
    assert {t: kept_rows[t] for t in remaining} == remaining
    change(app, delete(Enrollment).where(Enrollment.student_id == school["students"][-1]))
    assert kept(app) == counted(app)
