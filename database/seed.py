"""`flask seed`'s loader: FakeSchool's rows handed straight to the driver, a batch at a time, in one transaction.

The single, deliberate exception to the app's one write path: rows change only through records/, but seeding through
it would take many minutes where this takes under a minute for 1,000,000 students (54-57 s: bench/RESULTS.md).
"""

from contextlib import contextmanager
from functools import partial

import click
from sqlalchemy import func

from database import schema_extras
from database.backend import backend
from fake_school import COLUMNS, FakeSchool
from models import Course, Enrollment, Student, User, db

BATCH = 10_000
SQLITE_SEED_CACHE_KIB = 512 * 1024


def add_school(school: FakeSchool, users: int, courses: int, students: int, existing: int):
    """Adds users, courses and students, and enrolls the students, to a database of `existing` students and courses."""
    if backend().pragmas:
        # Rows arrive in random order for the name and email indexes: with SQLite's 2 MB page cache they would be
        # written out and read back again and again.
        db.session.execute(db.text(f"PRAGMA cache_size = -{SQLITE_SEED_CACHE_KIB}"))
    with bulk_loading(students + courses + users > existing):
        user_ids = add_rows(User, users, school.users)
        staff = user_ids or db.session.scalars(db.select(User.id)).all()
        course_ids = add_rows(Course, courses, partial(school.courses, staff=staff))
        added = add_rows(Student, students, partial(school.students, staff=staff), "sort_name", "gpa")
        courses_offered = course_ids or db.session.scalars(db.select(Course.id)).all()
        with click.progressbar(length=len(added), label="Enrolling students in courses") as bar:
            for start in range(0, len(added), BATCH // 4):  # about a batch of enrollments
                keys = {id: keys for id, *keys in added[start:start + BATCH // 4]}  # each enrollment carries its
                insert_rows(Enrollment.__table__, [row + tuple(keys[row[0]])  # student's name and GPA (copied_keys)
                                                   for row in school.enrollments(list(keys), courses_offered)])
                bar.update(len(keys))
    db.session.commit()


@contextmanager
def bulk_loading(many: bool):
    """When adding more rows than there are, builds the indexes and the search index once at the end, in the same
    transaction, instead of row by row: several times faster. Where DDL would commit (MariaDB), the triggers stay."""
    connection = db.session.connection()
    if not many or not backend(connection).transactional_ddl:
        yield
        return
    indexes = [index for table in db.metadata.sorted_tables for index in table.indexes if not index.unique]
    schema_extras.drop(connection)
    for index in indexes:
        index.drop(connection)
    yield
    click.echo("Building the indexes")
    for index in indexes:
        index.create(connection)
    schema_extras.create(connection)


def add_rows(model, count: int, make, *also: str) -> list:
    """Inserts `count` rows made a batch at a time by make(numbers), with a progress bar; returns their ids, or, with
    `also` columns, their ids beside those."""
    last_id = db.session.scalar(db.select(func.max(model.id))) or 0
    with click.progressbar(length=count, label=f"Adding {count:,} {model.__tablename__}") as bar:
        for start in range(last_id + 1, last_id + 1 + count, BATCH):
            numbers = range(start, min(start + BATCH, last_id + 1 + count))
            insert_rows(model.__table__, make(numbers))
            bar.update(len(numbers))
    if not count:
        return []
    # Through the driver: a million ids read through SQLAlchemy's result take three times as long.
    added = db.session.connection().exec_driver_sql(
        f"SELECT {', '.join(('id',) + also)} FROM {model.__tablename__} WHERE id > {int(last_id)}")
    return [tuple(row) for row in added] if also else [id for (id,) in added]


def insert_rows(table, rows: list[tuple]):
    """One executemany of FakeSchool's rows straight to the driver: SQLAlchemy's insert would convert every value
    on its way, which takes longer than the driver's insert itself."""
    columns = COLUMNS[table.name]
    connection = db.session.connection()
    marker = backend(connection).param_marker
    statement = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([marker] * len(columns))})"
    if rows:
        connection.exec_driver_sql(statement, rows)
