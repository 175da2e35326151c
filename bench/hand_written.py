"""The first students page as a hand-written view would make it, for bench.lists' goal 5: raw sqlite3 for the
same rows, the same template, the same page (tests/test_bench.py compares the two)."""

import sqlite3
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from flask import Blueprint, g, render_template
from werkzeug.datastructures import MultiDict

from listing import Page
from resources import STUDENTS


class Row(SimpleNamespace):
    def __str__(self):  # as a Student names itself ("Select Abraham Abad")
        return self.name


def hand_written(app, path):
    """The first students page as a hand-written view would make it: sqlite3 for the rows, the same template.
    Returns the bare function; also serves it at /bench/students, through Flask like the app's page (sign-in too)."""
    connection = sqlite3.connect(path, check_same_thread=False)
    query = """
        SELECT s.id, s.name, s.sort_name, s.email, s.grade, s.gpa, s.enrolled_on, u.id, u.name,
               (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id)
        FROM students s LEFT JOIN users u ON u.id = s.advisor_id ORDER BY s.sort_name, s.id LIMIT 26"""

    def page():
        total = connection.execute("SELECT row_count FROM row_counts WHERE table_name = 'students'").fetchone()[0]
        rows = connection.execute(query).fetchall()
        items = [
            Row(id=id, name=name, sort_name=sort_name, email=email, grade=grade,
                gpa=None if gpa is None else Decimal(gpa).scaleb(-2), enrolled_on=date.fromisoformat(enrolled),
                course_count=courses, advisor_id=advisor_id, advisor_name=advisor)
            for id, name, sort_name, email, grade, gpa, enrolled, advisor_id, advisor, courses in rows[:25]
        ]
        edges = tuple(f"1.{row.id}.s{row.sort_name}" for row in (items[0], items[-1])) if items else (None, None)
        page = Page(items, total, 1, 25, -(-total // 25), "name", STUDENTS.listing.args(MultiDict()), [],
                    has_next=len(rows) > 25, edges=edges)
        return render_template("list.html", resource=STUDENTS, page=page, columns=STUDENTS.columns, view_query="")

    # A list's endpoint (<name>.index): its printout's header says how the list was made
    blueprint = Blueprint("bench_students", __name__)
    blueprint.add_url_rule("/bench/students", "index", page)
    app.register_blueprint(blueprint)
    user = SimpleNamespace(is_authenticated=True, id=0, name="Bench Admin", role="admin", at_least=lambda role: True,
                           preferences=None, pinned_views=[], views_of=lambda resource: [])

    def bare():
        with app.test_request_context("/bench/students"):
            g._login_user = user  # Flask-Login's place for the signed-in user: no session, no query
            return page()

    return bare
