"""The home page, and the health check for load balancers and monitors."""

from flask import Blueprint, current_app, render_template
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError

from models import Course, Student, User, db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """Counts, and a way into each list."""
    counts = {model: db.session.scalar(db.select(func.count()).select_from(model)) for model in (User, Student, Course)}
    return render_template("home.html", users=counts[User], students=counts[Student], courses=counts[Course])


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when not; the reason goes to the log, never into the answer."""
    try:
        db.session.execute(db.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: the database did not answer")
        return "unavailable\n", 503, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
    return "ok\n", 200, {"Content-Type": "text/plain", "Cache-Control": "no-store"}
