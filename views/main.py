"""The home page, and the health check for load balancers and monitors."""

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from database import why_not_writable
from formatting import plural
from listing import overview
from listing.counts import counted_rows
from models import Course, Student, User, db
from views.charts import bar_chart, column_chart
from views.history import recent_changes

bp = Blueprint("main", __name__)

RECENT = 5  # changes the home page shows


@bp.get("/")
def home():
    """Where a day starts: search, counts, the roster in two charts, one's own advisees and courses, recent changes."""
    users, students, courses = db.session.execute(db.select(*(counted_rows(m) for m in (User, Student, Course)))).one()
    grades = column_chart("Students per grade", [
        (str(grade), count, url_for("students.index", grade=grade), f"Grade {grade}: {plural(count, 'student')}")
        for grade, count in overview.students_per_grade()
    ])
    largest = bar_chart("The largest courses", [
        (code, size, url_for("courses.detail", id=id), f"{name}: {plural(size, 'student')}")
        for id, code, name, size in overview.largest_courses()
    ])
    return render_template(
        "home.html", users=users, students=students, courses=courses, charts=[grades, largest],
        advisees=overview.own_advisees(current_user.id), own_courses=overview.own_courses(current_user.id),
        changes=recent_changes(RECENT),
    )


@bp.get("/healthz")
def healthz():
    """200 when the database answers and would take a write, 503 when not; the reason goes to the log only."""
    unavailable = "unavailable\n", 503, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
    try:
        db.session.execute(db.text("SELECT 1"))
        reason = why_not_writable()
    except (SQLAlchemyError, OSError):
        db.session.rollback()
        current_app.logger.exception("Health check: the database did not answer")
        return unavailable
    if reason:
        current_app.logger.error("Health check: saves would fail: %s", reason)
        return unavailable
    return "ok\n", 200, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
