"""Staff accounts: list, detail, create, edit, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import true
from sqlalchemy.orm import aliased, undefer

import records
from resources import USERS
from security import role_required
from models import Course, SignIn, Student, User, db
from views.bulk import add_bulk
from views.history import add_history
from views.transfer import add_transfer
from views.steps import after_save, delete_confirmed, list_page, submitted

bp = Blueprint("users", __name__, url_prefix="/users")
add_history(bp, USERS)
add_bulk(bp, USERS)
add_transfer(bp, USERS)

SHOWN = 10  # related rows a detail or delete page lists before linking to the rest


def get_user_and_first_related(id):
    """A user with their counts, when they last signed in, and first advisees in one statement, then their first
    courses: 2 statements."""
    first_advisees = (
        db.select(Student).where(Student.advisor_id == id).order_by(Student.sort_name, Student.id).limit(SHOWN).subquery()
    )
    advisee = aliased(Student, first_advisees)
    signed_in = db.select(db.func.max(SignIn.at)).where(SignIn.email == User.email, SignIn.event == "sign-in")
    query = (
        db.select(User, advisee, signed_in.scalar_subquery())
        .options(undefer(User.advisee_count), undefer(User.course_count))
        .outerjoin(advisee, true())
        .where(User.id == id)
        .order_by(first_advisees.c.sort_name, first_advisees.c.id)
    )
    rows = db.session.execute(query).all()
    if not rows:
        abort(404)
    courses = db.select(Course).where(Course.teacher_id == id).order_by(Course.code).limit(SHOWN)
    advisees = [row[1] for row in rows if row[1] is not None]
    return rows[0][0], advisees, db.session.scalars(courses).all(), rows[0][2]


@bp.get("")
def index():
    """A page of users, searched, filtered and sorted as the query string says."""
    return list_page(USERS)


@bp.get("/<int:id>")
def detail(id):
    """One user, with the students they advise and the courses they teach."""
    user, advisees, courses, last_signed_in = get_user_and_first_related(id)
    return render_template("users/detail.html", resource=USERS, user=user, advisees=advisees, courses=courses,
                           last_signed_in=last_signed_in)


@bp.route("/new", methods=["GET", "POST"])
@role_required(USERS.edit_role)
def new():
    """Create a user."""
    form, user = USERS.form(), User()
    if submitted(form) and records.save(form, user):
        return after_save(USERS, user, form)
    return render_template("users/form.html", resource=USERS, form=form, user=None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@role_required(USERS.edit_role)
def edit(id):
    """Edit a user."""
    user = db.get_or_404(User, id)
    form = USERS.form(obj=user)
    if submitted(form) and records.save(form, user):
        return after_save(USERS, user, form)
    return render_template("users/form.html", resource=USERS, form=form, user=user)


@bp.get("/<int:id>/confirm-delete")
@role_required(USERS.edit_role)
def confirm_delete(id):
    """Ask before deleting a user, saying which students lose their advisor and which courses their teacher."""
    user, advisees, courses, _ = get_user_and_first_related(id)
    return render_template("users/delete.html", resource=USERS, record=user, advisees=advisees, courses=courses)


@bp.post("/<int:id>/delete")
@role_required(USERS.edit_role)
def delete(id):
    """Delete a user; the database unsets them as advisor and teacher in the same transaction."""
    user = db.get_or_404(User, id)
    if user.id == current_user.id:
        flash("You cannot delete your own account; ask another admin.", "error")
        return redirect(url_for(".confirm_delete", id=id))
    return delete_confirmed(USERS, user)
