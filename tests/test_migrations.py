"""The migrations in migrations/ build exactly the schema models.py describes, on every backend."""

import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

import preferences
from database import schema_extras
from helpers import listed_names, migrations_with, read, signed_in
from models import Course, Enrollment, SavedView, Student, User, db, utcnow

HEAD = ScriptDirectory(str(Path(__file__).parent.parent / "migrations")).get_current_head()
# A table that refers to users, then a change to users that batch mode makes by copying the table on SQLite.
NOTES = f"""
import sqlalchemy as sa
from alembic import op

revision, down_revision = "0000000notes", "{HEAD}"


def upgrade():
    op.create_table("notes", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False))
"""
NICKNAMES = """
import sqlalchemy as sa
from alembic import op

revision, down_revision = "00000nickname", "0000000notes"


def upgrade():
    with op.batch_alter_table("users", recreate="always") as batch:
        batch.add_column(sa.Column("nickname", sa.String(50)))
"""


def differences(app) -> list:
    """What `flask db migrate` would write into a new migration: nothing, when the migrations are complete."""
    with app.app_context(), db.engine.connect() as connection:
        opts = {"compare_type": True, "include_name": schema_extras.include_name}
        return compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)


def tables(app) -> set[str]:
    """The tables the models describe (leaving out schema_extras' search index and row counts)."""
    with app.app_context():
        return {name for name in inspect(db.engine).get_table_names() if not schema_extras.is_extra(name)}


def test_migrations_build_the_schema_of_the_models(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
    assert tables(app) == set(db.metadata.tables) | {"alembic_version"}
    assert differences(app) == []


def test_migrations_go_down_and_up_again(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert tables(app) == {"alembic_version"}
        upgrade()
    assert differences(app) == []


def test_models_with_a_change_no_migration_has_are_found(make_app):
    """The check above can fail: a column the migrations lack shows up as a difference."""
    app = make_app()
    with app.app_context():
        upgrade()
        db.session.execute(db.text("ALTER TABLE students DROP COLUMN birthday"))
        db.session.commit()
    [(change, _, table, column)] = differences(app)
    assert (change, table, column.name) == ("add_column", "students", "birthday")


@pytest.mark.backends("sqlite")
def test_copying_a_table_others_refer_to_keeps_their_rows(make_app, tmp_path):
    app = make_app()
    directory = migrations_with(tmp_path, notes=NOTES, nicknames=NICKNAMES)
    with app.app_context():
        upgrade(directory, revision="0000000notes")
        db.session.add(User(name="Ada", email="ada@example.org"))
        db.session.flush()
        db.session.execute(db.text("INSERT INTO notes (user_id) SELECT id FROM users"))
        db.session.commit()
        upgrade(directory)
        assert db.session.execute(db.text("SELECT count(*) FROM notes")).scalar() == 1
        assert db.session.execute(db.text("PRAGMA foreign_keys")).scalar() == 1
    assert [user.name for user in read(app, User)] == ["Ada"]


def test_a_deleted_records_id_is_never_given_to_another_after_migrating(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
        for email in ("a@example.org", "b@example.org"):
            db.session.add(User(name="A", email=email))
        db.session.commit()
        newest = db.session.scalar(db.select(db.func.max(User.id)))
        db.session.execute(db.delete(User).where(User.id == newest))
        db.session.add(User(name="C", email="c@example.org"))
        db.session.commit()
        assert db.session.scalar(db.select(User.id).where(User.email == "c@example.org")) > newest


@pytest.mark.backends("sqlite", "postgresql")
def test_the_marks_triggers_of_a_database_made_before_are_made_again(make_app):
    """A database made before 6c4d9e2a7f15 kept the triggers that found a row's mark by one row comparison (SQLite
    creates a trigger only where it is missing): that migration makes them again, finding it by two seeks."""
    app = make_app()
    with app.app_context():
        upgrade(revision="2f6a8d3c1b90")
        sqlite = db.engine.dialect.name == "sqlite"
        stale = ("DROP TRIGGER students_grade_marks_insert" if sqlite else
                 "CREATE OR REPLACE FUNCTION roster_students_grade_marks_insert() RETURNS trigger LANGUAGE plpgsql "
                 "AS $$ BEGIN RETURN NULL; END $$")
        db.session.execute(db.text(stale))
        db.session.commit()
        upgrade()
        made = (db.text("SELECT sql FROM sqlite_master WHERE name = 'students_grade_marks_insert'") if sqlite else
                db.text("SELECT prosrc FROM pg_proc WHERE proname = 'roster_students_grade_marks_insert'"))
        row = "new" if sqlite else "r"
        assert f"key_value = {row}.grade AND key_id <= {row}.id" in (db.session.scalar(made) or "")


def old_fold(text: str) -> str:
    """models.fold before 8a4c2e6f1b37: "Ł" was left as it is."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def test_rows_folded_before_ł_was_an_l_are_folded_again(make_app):
    """A database made before 8a4c2e6f1b37 holds "łukasz kowalski" as the search text and sort key of Łukasz
    Kowalski: the migration folds them again, and the search index, the enrollments' copies and the list follow."""
    app = make_app()
    with app.app_context():
        upgrade(revision="3d8f2b6e9a14")
        admin = User(name="Øyvind Ødegård", email="root@example.org", role="admin")
        students = [Student(name=name, email=f"s{n}@school.example", grade=3)
                    for n, name in enumerate(("Karl Kaiser", "Łukasz Kowalski", "Lena Lang", "Zoë Adams"))]
        course = Course(code="PHYS-1", title="Ørsted's physics", credits=2, enrollments=[
            Enrollment(student=student) for student in students])
        db.session.add_all([admin, course])
        db.session.commit()
        for model, key, source in ((User, "sort_name", "name"), (Student, "sort_name", "name"),
                                   (Course, "sort_title", "title")):
            for row in db.session.scalars(db.select(model)):
                old = {"search_text": old_fold(" ".join(getattr(row, f) for f in model.search_fields)),
                       key: old_fold(getattr(row, source))}
                db.session.execute(db.update(model).where(model.id == row.id).values(old).execution_options(
                    synchronize_session=False))
        db.session.commit()
        assert db.session.scalar(db.select(Enrollment.student_sort_name).filter_by(student_id=2)) == "łukasz kowalski"
        db.session.close()  # SQLite: the migration writes on a connection of its own
        upgrade()
        lukasz = db.session.get(Student, 2)
        assert (lukasz.search_text, lukasz.sort_name, lukasz.version) == ("lukasz kowalski s1@school.example",
                                                                          "lukasz kowalski", 1)
        assert db.session.scalar(db.select(Enrollment.student_sort_name).filter_by(student_id=2)) == "lukasz kowalski"
        assert db.session.get(Course, 1).sort_title == "orsted's physics"
    client = signed_in(app, "root@example.org")
    assert listed_names(client, "/students?q=lukasz") == ["Łukasz Kowalski"]
    assert listed_names(client, "/students") == ["Karl Kaiser", "Lena Lang", "Łukasz Kowalski", "Zoë Adams"]
    assert listed_names(client, "/courses?q=orsted") == ["PHYS-1"]
    assert listed_names(client, "/users?q=oyvind") == ["Øyvind Ødegård"]
    with app.app_context():
        downgrade(revision="3d8f2b6e9a14")
        assert db.session.scalar(db.select(Student.sort_name).filter_by(id=2)) == "łukasz kowalski"


def test_view_names_the_same_but_for_their_capitals_are_numbered_then_refused(make_app):
    """Before b5d1f3a7c9e2 one person's views of a list could be "Grade 3" and "grade 3": the newer is numbered,
    and from then on the database refuses such a name."""
    app = make_app()
    with app.app_context():
        upgrade(revision="8a4c2e6f1b37")
        db.session.add_all([User(name="Ada", email="ada@example.org"), User(name="Bo", email="bo@example.org")])
        db.session.flush()
        views = sa.table("saved_views", *map(sa.column, ("owner_id", "resource", "name", "query", "pinned", "shared",
                                                          "created_at")))
        db.session.execute(views.insert(), [
            {"owner_id": owner, "resource": resource, "name": name, "query": "", "pinned": False, "shared": False,
             "created_at": utcnow()} for owner, resource, name in [
                (1, "students", "Grade 3"), (1, "students", "grade 3"), (1, "students", "GRADE 3"),
                (1, "students", "grade 3 (2)"), (2, "students", "grade 3"), (1, "courses", "GRADE 3")]])
        db.session.commit()
        db.session.close()
        upgrade()
    names = [view.name for view in sorted(read(app, SavedView), key=lambda view: view.id)]
    assert names == ["Grade 3", "grade 3 (3)", "GRADE 3 (4)", "grade 3 (2)", "grade 3", "GRADE 3"]
    with app.app_context():
        assert preferences.save_view(1, "students", "GRADE 3 (3)", "", False) is None
        assert preferences.save_view(1, "students", "Grade 3 (5)", "", False) is not None
        downgrade(revision="8a4c2e6f1b37")
