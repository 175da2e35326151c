"""The first students page as a hand-written view would make it, for bench.lists' goal 5: raw sqlite3 for the
same rows, the same template."""

import sqlite3
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from flask import g, render_template
from werkzeug.datastructures import MultiDict

from listing import Page
from resources import STUDENTS


def hand_written(app, path):
    """The first students page as a hand-written view would make it: sqlite3 for the rows, the same template.
    Returns the bare function; also serves it at /bench/students, through Flask like the app's page (sign-in too)."""
    connection = sqlite3.connect(path, check_same_thread=False)
    query = """
        SELECT s.id, s.name, s.email, s.grade, s.gpa, s.enrolled_on, u.id, u.name,
               (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id)
        FROM students s LEFT JOIN users u ON u.id = s.advisor_id ORDER BY s.sort_name, s.id LIMIT 26"""

    def page():
        total = connection.execute("SELECT row_count FROM row_counts WHERE table_name = 'students'").fetchone()[0]
        rows = connection.execute(query).fetchall()
        items = [
            SimpleNamespace(id=id, name=name, email=email, grade=grade,
                            gpa=None if gpa is None else Decimal(gpa).scaleb(-2),
                            enrolled_on=date.fromisoformat(enrolled), course_count=courses,
                            advisor_id=advisor_id, advisor_name=advisor)
            for id, name, email, grade, gpa, enrolled, advisor_id, advisor, courses in rows[:25]
        ]
        page = Page(items, total, 1, 25, -(-total // 25), "name", STUDENTS.listing.args(MultiDict()), [],
                    has_next=len(rows) > 25, edges=("1.1.-", "1.1.-"))
        return render_template("list.html", resource=STUDENTS, page=page, columns=STUDENTS.columns, view_query="")

    app.add_url_rule("/bench/students", "bench_students", page)
    user = SimpleNamespace(is_authenticated=True, id=0, name="Bench Admin", role="admin", at_least=lambda role: True,
                           preferences=None, pinned_views=[], views_of=lambda resource: [])

    def bare():
        with app.test_request_context("/bench/students"):
            g._login_user = user  # Flask-Login's place for the signed-in user: no session, no query
            return page()

    return bare
