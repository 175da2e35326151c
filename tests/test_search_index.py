"""The search index (FTS5 on SQLite, pg_trgm on PostgreSQL) and the row counts follow every insert, update and
delete, in databases made by the migrations as well as by db.create_all()."""

import pytest
from flask_migrate import upgrade

from helpers import PASSWORD, signed_in
from models import Student, User, db


def found(client, term: str) -> str:
    """The list's page for a search, as text to look for emails in (their cells mark where a line may break)."""
    return client.get(f"/students?q={term}").get_data(as_text=True).replace("<wbr>", "")


@pytest.mark.parametrize(
    "term, name", [("álvarez", "Ana Álvarez"), ("ALVA", "Ana Álvarez"), ("ana@sch", "Ana Álvarez"), ("王小", "王小明"),
                   ("王小明", "王小明"), ("bea", "Bea Brown"), ("b", "Bea Brown")],
)
def test_search_finds_a_student_by_any_part_of_name_or_email(client, people, term, name):
    page = found(client, term)
    assert name in page
    assert "王小明" not in page or name == "王小明"


def test_search_follows_a_rename(client, people):
    _, students = people
    client.post(f"/students/{students[0]}/edit", data={
        "name": "Ana Zubiri", "email": "ana@school.example", "grade": "3", "enrolled_on": "2024-09-01", "then": "view",
    })
    assert "No students match" in found(client, "lvarez")
    assert "Ana Zubiri" in found(client, "zubiri")


def test_search_forgets_a_deleted_student(client, people):
    _, students = people
    client.post(f"/students/{students[0]}/delete")
    assert "No students match" in found(client, "lvarez")


def test_a_term_with_quotes_and_operators_is_searched_as_text(client, add):
    add(Student, name='Jo "NEAR" AND*', email="jo@school.example")
    assert "jo@school.example" in found(client, '"near" and*')
    assert "No students match" in found(client, '"near" or')


def test_migrated_database_searches_and_counts(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
        admin = User(name="Root Admin", email="root@example.org", role="admin")
        admin.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
        db.session.add_all([admin, Student(name="Ana Álvarez", email="ana@school.example", grade=3)])
        db.session.commit()
    client = signed_in(app, "root@example.org")
    assert "Showing 1–1 of 1 students" in found(client, "alvarez")
    assert "of 1 students" in client.get("/students").get_data(as_text=True)


@pytest.mark.backends("sqlite")
def test_a_seeded_search_index_is_merged_once_and_merges_again_as_rows_change(app, runner, client):
    """`flask seed` builds the FTS5 index without merging as it goes, then merges it once ("optimize"): at 1,000,000
    students 15% faster, and its searches read one segment. Merging is then back at FTS5's default, so the index
    the app's saves grow stays merged."""
    assert runner.invoke(args=["seed", "--users", "5", "--students", "300", "--random-seed", "1"]).exit_code == 0
    with app.app_context():
        for table in ("students_search", "courses_search", "users_search"):
            setting = db.session.execute(db.text(f"SELECT v FROM {table}_config WHERE k = 'automerge'")).scalar()
            assert setting == 4, (table, setting)
            db.session.execute(db.text(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 1)"))
        someone = db.session.scalars(db.select(Student).limit(1)).one()
    assert someone.email in found(client, someone.email)
