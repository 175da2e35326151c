from sqlalchemy import func, inspect

from conftest import read
from models import Course, Enrollment, Student, User, db


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def test_init_db_creates_tables_then_changes_nothing(runner, app):
    with app.app_context():
        db.drop_all()
    result = runner.invoke(args=["init-db"])
    assert "Created tables" in result.output
    with app.app_context():
        assert {"users", "students"} <= set(inspect(db.engine).get_table_names())
    assert "nothing changed" in runner.invoke(args=["init-db"]).output


def test_init_db_drop_asks_first(runner, app, add):
    add(User, name="Ada", email="ada@example.org")
    result = runner.invoke(args=["init-db", "--drop"], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert count(app, User) == 2  # Ada and the admin every test app has


def test_init_db_drop_yes_starts_over(runner, app, add):
    add(User, name="Ada", email="ada@example.org")
    result = runner.invoke(args=["init-db", "--drop", "--yes"])
    assert "Dropped" in result.output and "Created tables" in result.output
    assert count(app, User) == 0


def test_seed_adds_people(runner, app):
    result = runner.invoke(args=["seed", "--users", "30", "--students", "200", "--random-seed", "1"])
    assert result.exit_code == 0, result.output
    assert (count(app, User), count(app, Student)) == (1 + 30, 200)
    student = read(app, Student)[0]
    assert 1 <= student.grade <= 12
    assert student.search_text == student.search_text_for({"name": student.name, "email": student.email})


def test_seed_refuses_a_database_with_students(runner, app, add):
    add(Student, name="Ana", email="ana@school.example")
    result = runner.invoke(args=["seed", "--students", "10"])
    assert result.exit_code == 1 and "--append" in result.output
    assert count(app, Student) == 1


def test_seed_append_adds_more_with_unique_emails(runner, app):
    runner.invoke(args=["seed", "--users", "5", "--students", "50", "--random-seed", "1"])
    result = runner.invoke(args=["seed", "--users", "5", "--students", "50", "--random-seed", "1", "--append"])
    assert result.exit_code == 0, result.output
    assert count(app, Student) == 100
    assert len({student.email for student in read(app, Student)}) == 100


def test_seed_if_empty_skips_a_database_with_students(runner, app, add):
    add(Student, name="Ana", email="ana@school.example")
    result = runner.invoke(args=["seed", "--students", "10", "--if-empty"])
    assert result.exit_code == 0 and "skipped" in result.output
    assert count(app, Student) == 1


def test_seed_adds_courses_enrollments_and_advisors(runner, app):
    runner.invoke(args=["seed", "--users", "10", "--students", "100", "--random-seed", "2"])
    assert count(app, Course) == 4  # one per 25 students
    students = read(app, Student)
    assert 0.6 < sum(s.advisor_id is not None for s in students) / len(students) < 1
    per_student = {}
    for enrollment in read(app, Enrollment):
        per_student[enrollment.student_id] = per_student.get(enrollment.student_id, 0) + 1
    assert len(per_student) == 100 and set(per_student.values()) <= {2, 3, 4}
