"""The home page, and the health check for load balancers and monitors."""

from flask import Blueprint, current_app, render_template
from sqlalchemy.exc import SQLAlchemyError

from database import why_not_writable
from listing.counts import counted_rows
from models import Course, Student, User, db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """Counts, and a way into each list."""
    users, students, courses = db.session.execute(db.select(*(counted_rows(m) for m in (User, Student, Course)))).one()
    return render_template("home.html", users=users, students=students, courses=courses)


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
