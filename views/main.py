"""The home page."""

from flask import Blueprint, render_template
from sqlalchemy import func

from models import Course, Student, User, db

bp = Blueprint("main", __name__)


@bp.get("/")
def home():
    """Counts, and a way into each list."""
    counts = {model: db.session.scalar(db.select(func.count()).select_from(model)) for model in (User, Student, Course)}
    return render_template("home.html", users=counts[User], students=counts[Student], courses=counts[Course])
