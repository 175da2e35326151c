"""A page reached by its number alone (typed, bookmarked, shared: no cursor) shows the rows it would show by
skipping from the start, in every sort, after every kind of write: the marks it starts from (database/sort_marks.py)
are kept exact by triggers, and where there are none (MariaDB, a filtered list) ids are skipped in the index."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import delete, select, update
from werkzeug.datastructures import MultiDict

from database import sort_marks
from database.inserting import insert_rows
from models import Student, db
import records
from records import bulk
from resources import STUDENTS

PER_PAGE = 10
ROWS = 400  # pages 21-40 skip more rows than keyset.DEFERRED_FROM
SORTS = ["name", "-name", "email", "-email", "grade", "-grade", "gpa", "-gpa", "enrolled", "-enrolled"]


@pytest.fixture
def school(app, add):
    """400 students with many ties and no GPA for a third, marked every 7 rows so pages cross many marks."""
    add.many(Student, [
        {"name": f"Kid {n % 13}", "email": f"kid{n:03}@school.example", "grade": 1 + n % 12,
         "gpa": None if n % 3 == 0 else Decimal("1.50") + Decimal(n % 11) / 4, "enrolled_on": date(2024, 1, 1 + n % 5)}
        for n in range(ROWS)
    ])
    remark(app)


def remark(app, every=7):
    with app.app_context():
        if db.engine.dialect.name in ("sqlite", "postgresql"):
            for column in sort_marks.MARKED["students"]:
                sort_marks.build("students", column, db.session.connection(), every=every)
        db.session.commit()


def emails(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>([a-z0-9.]+@school\.example)</td>", html.replace("<wbr>", ""))


def expected(app, sort: str) -> list[str]:
    """Every row's email in the list's order, as exporting the list reads it."""
    with app.test_request_context():
        ids = STUDENTS.listing.matching_ids(STUDENTS.listing.args(MultiDict({"sort": sort})))
        email_of = dict(db.session.execute(select(Student.id, Student.email)).all())
        return [email_of[id] for id in db.session.scalars(ids)]


def assert_every_page_by_number_is_right(app, client):
    for sort in SORTS:
        rows = expected(app, sort)
        for number in range(1, -(-len(rows) // PER_PAGE) + 1):
            html = client.get(f"/students?sort={sort}&per_page={PER_PAGE}&page={number}").get_data(as_text=True)
            assert emails(html) == rows[(number - 1) * PER_PAGE:number * PER_PAGE], (sort, number)


def test_every_page_by_number_shows_its_rows_in_every_sort(app, client, school):
    assert_every_page_by_number_is_right(app, client)


def test_pages_by_number_stay_right_after_rows_are_added_and_changed_one_by_one(app, client, school):
    with app.app_context():
        db.session.add_all(Student(name=f"Kid {n % 4}", email=f"new{n:02}@school.example", grade=1 + n % 3,
                                   gpa=None if n % 2 else Decimal("3.00"), enrolled_on=date(2023, 1, 1))
                           for n in range(30))
        for student in db.session.scalars(select(Student).where(Student.id % 9 == 0)):
            student.name, student.gpa = "Aaron", None if student.gpa else Decimal("4.00")
        db.session.commit()
    assert_every_page_by_number_is_right(app, client)


def test_pages_by_number_stay_right_after_set_based_updates_and_deletes(app, client, school):
    with app.app_context():
        db.session.execute(update(Student).where(Student.id % 5 == 0).values(gpa=None, grade=12))
        db.session.execute(update(Student).where(Student.gpa.is_(None), Student.id % 7 == 0).values(gpa=200))
        db.session.execute(delete(Student).where(Student.id % 6 == 1))
        db.session.commit()
    assert_every_page_by_number_is_right(app, client)


def test_each_marks_count_is_its_rows_after_set_based_updates_to_and_from_empty(app, school):
    """Every row that moves, into or out of the empty values and across the first mark (its key is no value), is
    counted off its old mark and onto its new one: each mark's count is then the rows that lie from it to the next."""
    with app.app_context():
        db.session.execute(update(Student).where(Student.id % 5 == 0).values(gpa=None, grade=12, name="Aaron"))
        db.session.execute(update(Student).where(Student.gpa.is_(None), Student.id % 7 == 0).values(gpa=0))
        db.session.execute(update(Student).where(Student.id % 4 == 0).values(enrolled_on=date(2020, 1, 1)))
        connection = db.session.connection()
        for column in sort_marks.MARKED["students"] if db.engine.dialect.name in ("sqlite", "postgresql") else ():
            m = sort_marks.marks_table("students", column)
            kept = dict(connection.exec_driver_sql(f"SELECT position, row_count FROM {m}").all())
            counted = dict(connection.exec_driver_sql(
                f"SELECT at, count(*) FROM (SELECT {sort_marks.locate(m, 'students', column)} AS at FROM students) "
                f"placed GROUP BY at").all())
            assert kept == {position: counted.get(position, 0) for position in kept}, column


def test_pages_by_number_are_right_when_the_marks_are_far_apart(app, client, school):
    remark(app, every=150)
    assert_every_page_by_number_is_right(app, client)


def test_a_filtered_list_by_number_shows_its_rows(app, client, school):
    with app.test_request_context():
        ids = STUDENTS.listing.matching_ids(STUDENTS.listing.args(MultiDict({"sort": "-gpa", "grade": "3"})))
        email_of = dict(db.session.execute(select(Student.id, Student.email)).all())
        rows = [email_of[id] for id in db.session.scalars(ids)]
    html = client.get("/students?sort=-gpa&grade=3&per_page=10&page=3").get_data(as_text=True)
    assert emails(html) == rows[20:30]


def test_a_cursor_from_a_far_page_is_not_used_to_skip_from(app, client, school):
    rows = expected(app, "name")
    html = client.get("/students?sort=name&per_page=10&page=35&cursor=1.1.sKid 0").get_data(as_text=True)
    assert emails(html) == rows[340:350]


def test_a_page_number_past_the_count_cap_without_a_cursor_shows_the_last_page_the_cap_covers(app, client, school):
    app.config.update(LIST_COUNT_CAP=50)
    with app.test_request_context():
        ids = STUDENTS.listing.matching_ids(STUDENTS.listing.args(MultiDict({"q": "school"})))
        email_of = dict(db.session.execute(select(Student.id, Student.email)).all())
        rows = [email_of[id] for id in db.session.scalars(ids)]
    html = client.get("/students?q=school&per_page=10&page=30").get_data(as_text=True)
    assert emails(html) == rows[40:50]


def test_pages_by_number_stay_right_after_the_write_paths_bulk_delete(app, client, school):
    """records.bulk.delete: on SQLite the marks' per-row delete triggers stand aside and one statement per sort
    adjusts them (database/deleting.py); after it the triggers are back."""
    with app.app_context():
        with records.change() as session:
            bulk.delete(session, Student, select(Student.id).where(Student.id % 4 == 1, Student.grade > 3))
        db.session.execute(delete(Student).where(Student.id % 11 == 0))
        db.session.commit()
    assert_every_page_by_number_is_right(app, client)


def test_pages_by_number_stay_right_after_rows_inserted_by_insert_rows(app, client, school):
    """database.inserting: COPY on PostgreSQL, where the marks' statement triggers must count the rows too."""
    with app.app_context():
        insert_rows(db.session, Student, [{"name": f"Copied {n % 7}", "email": f"copied{n:03}@school.example",
                                           "grade": 1 + n % 12, "gpa": Decimal("2.25") if n % 2 else None,
                                           "search_text": "", "sort_name": f"copied {n % 7}"} for n in range(60)])
        db.session.commit()
    assert_every_page_by_number_is_right(app, client)


def test_runs_read_one_after_another_give_each_page_without_reading_past_it(app, add):
    """page_of_runs: rows offset to offset + limit of runs read in turn (a typed page's same value past the mark, the
    greater values, the empty ones), each run skipping what those before it hold: every page, across each run's end."""
    from sqlalchemy import literal, union_all

    from listing.keyset import page_of_runs

    add.many(Student, [{"name": f"Run {n}", "email": f"run{n}@school.example", "grade": grade}
                       for n, grade in enumerate([1] * 5 + [2] * 3 + [3] * 4)])
    with app.app_context():
        runs = [select(Student.id.label("id"), literal(number).label("run"), Student.grade.label("key"))
                .where(Student.grade == grade).order_by(Student.id) for number, grade in enumerate((1, 2, 3))]
        every = [id for run in runs for id in db.session.scalars(run.with_only_columns(Student.id))]
        for offset in range(len(every) + 2):
            for limit in (1, 2, 4):
                parts = [part.subquery().select() for part in page_of_runs(runs, offset, limit)]
                page = []
                if parts:
                    picked = (union_all(*parts) if len(parts) > 1 else parts[0]).subquery()
                    page = db.session.scalars(select(picked.c.id).order_by(picked.c.run, picked.c.id)).all()
                assert len(parts) <= 1 + (limit > 1), (offset, limit)  # the runs the page lies in, no other
                assert page == every[offset:offset + limit], (offset, limit)
