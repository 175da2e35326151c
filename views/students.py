"""Students: list, detail, create, edit, delete."""

from flask import Blueprint, render_template, request, url_for
from sqlalchemy.orm import joinedload, selectinload

import records
from resources import STUDENTS
from security import role_required
from models import Enrollment, Student, db
from views.pickers import pickers
from views.bulk import add_bulk
from views.history import add_history
from views.transfer import add_transfer
from views.steps import after_save, delete_confirmed, list_page, printout, submitted

bp = Blueprint("students", __name__, url_prefix="/students")
add_history(bp, STUDENTS)
add_bulk(bp, STUDENTS)
add_transfer(bp, STUDENTS)


def get_student_with_courses(id):
    courses = selectinload(Student.enrollments).joinedload(Enrollment.course)
    return db.get_or_404(Student, id, options=[joinedload(Student.advisor), courses])


@bp.get("")
def index():
    """A page of students, searched, filtered and sorted as the query string says."""
    return list_page(STUDENTS)


@bp.get("/print")
def print_list():
    """Every student the list's search and filters leave, up to the print limit, laid out for paper."""
    return printout(STUDENTS, STUDENTS.listing, "Students", url_for(".index", **request.args))


@bp.get("/<int:id>")
def detail(id):
    """One student, with their advisor and courses."""
    return render_template("students/detail.html", resource=STUDENTS, student=get_student_with_courses(id))


@bp.route("/new", methods=["GET", "POST"])
@role_required(STUDENTS.edit_role)
def new():
    """Create a student, with an advisor and courses."""
    form, student = STUDENTS.form(), Student()
    if submitted(form) and records.save(form, student):
        return after_save(STUDENTS, student, form)
    return render_template("students/form.html", resource=STUDENTS, form=form, student=None, pickers=pickers(form))


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@role_required(STUDENTS.edit_role)
def edit(id):
    """Edit a student, their advisor and courses: saved together or not at all."""
    student = get_student_with_courses(id)
    form = STUDENTS.form(obj=student)
    if submitted(form) and records.save(form, student):
        return after_save(STUDENTS, student, form)
    return render_template("students/form.html", resource=STUDENTS, form=form, student=student, pickers=pickers(form))


@bp.get("/<int:id>/confirm-delete")
@role_required(STUDENTS.edit_role)
def confirm_delete(id):
    """Ask before deleting a student, saying which enrollments go with them."""
    return render_template("students/delete.html", resource=STUDENTS, record=get_student_with_courses(id))


@bp.post("/<int:id>/delete")
@role_required(STUDENTS.edit_role)
def delete(id):
    """Delete a student; the database removes their enrollments in the same transaction."""
    student = db.get_or_404(Student, id)
    return delete_confirmed(STUDENTS, student)
