"""database.inserting.insert_rows, the write path's insert of many rows (COPY on PostgreSQL): the rows as given, the
columns left out at their defaults, each new row's id by its key, and the counts and sort marks kept as after any
other insert."""

from datetime import date

from sqlalchemy import select

from database.inserting import insert_rows
from models import Course, Enrollment, Student, User, db, related_counts


def test_rows_come_in_with_their_defaults_and_their_ids_by_key(app):
    with app.app_context():
        rows = [{"name": f"Pupil {n}", "email": f"pupil{n}@example.org", "grade": 1 + n % 12, "birthday": date(2015, 1, 2),
                 "gpa": None, "search_text": f"pupil {n}", "sort_name": f"pupil {n:02}"} for n in range(30)]
        ids = insert_rows(db.session, Student, rows, key=Student.__table__.c.email)
        db.session.commit()
        found = db.session.execute(select(Student.email, Student.id)).all()
        defaults = db.session.execute(select(Student.version, Student.enrolled_on, Student.birthday, Student.gpa,
                                             Student.created_at.is_not(None))).all()
    assert dict(found) == ids and len(ids) == 30
    assert set(defaults) == {(1, date.today(), date(2015, 1, 2), None, True)}


def test_each_user_gets_a_session_token_of_their_own(app):
    """A default made by a function is made for each row: users sharing a token would share their sign-ins."""
    with app.app_context():
        insert_rows(db.session, User, [{"name": f"Staff {n}", "email": f"staff{n}@example.org", "search_text": ""}
                                       for n in range(5)])
        db.session.commit()
        tokens = db.session.scalars(select(User.session_token).where(User.email.like("staff%"))).all()
    assert len(tokens) == 5 and len(set(tokens)) == 5 and all(tokens)


def test_the_kept_counts_follow_inserted_rows(app, add):
    advisor = add(User, name="Advisor", email="advisor@example.org")
    course = add(Course, code="ART-101", title="Art", credits=3)
    with app.app_context():
        ids = insert_rows(db.session, Student, [{"name": f"P{n}", "email": f"p{n}@example.org", "grade": 3,
                                                 "advisor_id": advisor, "search_text": ""} for n in range(12)],
                          key=Student.__table__.c.email)
        insert_rows(db.session, Enrollment, [{"student_id": id, "course_id": course} for id in list(ids.values())[:7]])
        db.session.commit()
        kept = dict(db.session.execute(select(related_counts.c.relation, related_counts.c.row_count)
                                       .where(related_counts.c.row_count > 0)).all())
        rows = db.session.scalar(db.text("SELECT row_count FROM row_counts WHERE table_name = 'students'"))
    assert kept == {"advisees": 12, "students": 7} and rows == 12
