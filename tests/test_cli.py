from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect

from helpers import migrations_with, read
from database import database_revisions
from models import Course, Enrollment, Student, User, db


MIGRATIONS = Path(__file__).parent.parent / "migrations"
BASE, HEAD = ScriptDirectory(str(MIGRATIONS)).get_base(), ScriptDirectory(str(MIGRATIONS)).get_current_head()
NOTES = "000000000001"  # a migration the code has not got yet
NOTES_MIGRATION = f'''
import sqlalchemy as sa
from alembic import op

revision = "{NOTES}"
down_revision = "{HEAD}"


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("notes")
'''


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def revisions(app) -> set[str]:
    with app.app_context():
        return database_revisions()


def database(app) -> str:
    with app.app_context():
        return db.engine.url.render_as_string(hide_password=True)


def count(app, model):
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def test_init_db_creates_the_schema_then_changes_nothing(make_app):
    runner = make_app().test_cli_runner()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"Created the schema in {database(runner.app)}, at revision {HEAD}." in result.output
    assert {"users", "students"} <= tables(runner.app)
    assert revisions(runner.app) == {HEAD}
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and f"up to date (revision {HEAD}); nothing changed" in result.output


def test_init_db_on_an_older_schema_says_to_upgrade_and_upgrade_works(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    runner.invoke(args=["init-db"])
    newer = migrations_with(tmp_path, notes=NOTES_MIGRATION)
    app.extensions["migrate"].directory = newer  # the code moved on: a new migration arrived
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 1
    assert f"is at revision {HEAD}; this code needs {NOTES}" in result.output
    assert "flask --app app db upgrade" in result.output
    assert runner.invoke(args=["db", "upgrade", "--directory", newer]).exit_code == 0
    assert "notes" in tables(app)
    assert "up to date" in runner.invoke(args=["init-db"]).output


def test_init_db_on_a_newer_schema_says_so(make_app, tmp_path):
    app = make_app()
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade", "--directory", migrations_with(tmp_path, notes=NOTES_MIGRATION)])
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 1
    assert f"is at revision {NOTES}, which migrations/ does not have" in result.output


def test_init_db_on_tables_from_before_migrations_says_how_to_adopt_them(make_app):
    app = make_app()
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade", BASE])
    with app.app_context():
        db.session.execute(db.text("DROP TABLE alembic_version"))  # as init-db left it before migrations
        db.session.commit()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 1
    assert "no record of migrations" in result.output
    assert f"flask --app app db stamp {BASE} && flask --app app db upgrade" in result.output
    assert runner.invoke(args=["db", "stamp", BASE]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert "up to date" in runner.invoke(args=["init-db"]).output


def test_init_db_drop_asks_first(runner, app, add):
    add(User, name="Ada", email="ada@example.org")
    result = runner.invoke(args=["init-db", "--drop"], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert count(app, User) == 2  # Ada and the admin every test app has


def test_init_db_drop_yes_starts_over(runner, app, add):
    add(User, name="Ada", email="ada@example.org")
    result = runner.invoke(args=["init-db", "--drop", "--yes"])
    assert "Dropped" in result.output and "Created the schema" in result.output
    assert count(app, User) == 0
    assert revisions(app) == {HEAD}


def test_seed_adds_people(runner, app):
    result = runner.invoke(args=["seed", "--users", "30", "--students", "200", "--random-seed", "1"])
    assert result.exit_code == 0, result.output
    assert (count(app, User), count(app, Student)) == (1 + 30, 200)
    student = read(app, Student)[0]
    assert 1 <= student.grade <= 12
    assert student.search_text == student.search_text_for({"name": student.name, "email": student.email})


def test_seeded_rows_read_back_as_the_app_writes_them(runner, app, client):
    """The seed hands the driver text for dates and times and hundredths for a GPA: they must read back as the
    app's own types, sort and show as records saved through the app do."""
    runner.invoke(args=["seed", "--users", "5", "--students", "60", "--random-seed", "3"])
    students = read(app, Student)
    assert all(isinstance(s.enrolled_on, date) and isinstance(s.created_at, datetime) for s in students)
    assert all(s.birthday is None or isinstance(s.birthday, date) for s in students)
    gpas = [s.gpa for s in students if s.gpa is not None]
    assert gpas and all(isinstance(g, Decimal) and Decimal("1.50") <= g <= Decimal("4.00") for g in gpas)
    assert all(isinstance(e.enrolled_on, date) for e in read(app, Enrollment))
    graded = [s for s in students if s.gpa is not None]
    best, worst = max(graded, key=lambda s: s.gpa), min(graded, key=lambda s: s.gpa)
    page = client.get("/students?sort=-gpa&per_page=100").get_data(as_text=True).replace("<wbr>", "")
    assert f"{best.gpa:.2f}" in page and best.gpa > worst.gpa
    assert page.index(best.email) < page.index(worst.email)


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


def demo_sign_ins(runner, *args) -> dict[str, str]:
    result = runner.invoke(args=["demo-accounts", *args])
    assert result.exit_code == 0, result.output
    return {line.split()[0]: line.split()[2] for line in result.output.splitlines() if "@example.org" in line}


@pytest.fixture
def own_instance(app, tmp_path):
    """The demo passwords go to this test's own instance/, not the checkout's."""
    app.instance_path = str(tmp_path)
    return tmp_path


def test_demo_accounts_gives_each_role_its_own_password(runner, app, own_instance):
    passwords = demo_sign_ins(runner)
    assert set(passwords) == {"admin", "editor", "viewer"}
    assert len(set(passwords.values())) == 3
    for role, password in passwords.items():
        (user,) = read(app, User, email=f"{role}@example.org")
        assert user.role == role and user.check_password(password)


def test_demo_passwords_are_kept_in_instance_and_stay_the_same_on_the_next_run(runner, own_instance):
    first = demo_sign_ins(runner)
    assert demo_sign_ins(runner) == first
    assert (own_instance / "demo_accounts.json").stat().st_mode & 0o077 == 0  # for its owner only


def test_demo_accounts_show_prints_the_sign_ins_again(runner, own_instance):
    made = demo_sign_ins(runner)
    assert demo_sign_ins(runner, "--show") == made


def test_demo_accounts_show_before_any_says_how_to_make_them(runner, own_instance):
    result = runner.invoke(args=["demo-accounts", "--show"])
    assert result.exit_code == 1 and "No demo accounts yet" in result.output


def test_demo_accounts_show_on_a_database_without_them_names_them_and_prints_no_sign_ins(runner, app, own_instance):
    passwords = demo_sign_ins(runner)
    with app.app_context():  # as on a database made anew, or another one, since the passwords were kept
        db.session.execute(db.delete(User).where(User.email.like("%@example.org"), User.email != "root@example.org"))
        db.session.commit()
    result = runner.invoke(args=["demo-accounts", "--show"])
    assert result.exit_code == 1
    for role, password in passwords.items():
        assert f"{role}@example.org is not in this database" in result.output and password not in result.output
    assert "Make them (again) with `flask --app app demo-accounts`." in result.output


def test_demo_accounts_show_prints_the_sign_ins_that_work_and_names_the_other(runner, app, own_instance):
    passwords = demo_sign_ins(runner)
    with app.app_context():
        db.session.scalar(db.select(User).where(User.email == "editor@example.org")).active = False
        db.session.commit()
    result = runner.invoke(args=["demo-accounts", "--show"])
    assert result.exit_code == 0
    assert passwords["admin"] in result.output and passwords["viewer"] in result.output
    assert passwords["editor"] not in result.output
    assert "editor@example.org is deactivated" in result.output


def test_a_demo_password_changed_since_is_put_back(runner, app, own_instance):
    passwords = demo_sign_ins(runner)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "editor@example.org"))
        user.set_password("something else entirely", app.config["PASSWORD_HASH_METHOD"])
        db.session.commit()
    demo_sign_ins(runner)
    (user,) = read(app, User, email="editor@example.org")
    assert user.check_password(passwords["editor"])


def test_init_db_is_quiet_about_each_migration_unless_verbose(make_app):
    runner = make_app().test_cli_runner()
    quiet = runner.invoke(args=["init-db"])
    assert "Created the schema" in quiet.output and "Running upgrade" not in quiet.output
    verbose = runner.invoke(args=["init-db", "--drop", "--yes", "--verbose"])
    assert "Running upgrade" in verbose.output
