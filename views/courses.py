"""Courses: list, detail with enrolled students, create, edit, delete, enroll and unenroll."""

from functools import lru_cache

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, undefer
from werkzeug.datastructures import MultiDict

import records
from database.backend import backend
from formatting import who
from records.imports import enrollments
from listing.first import first_matches
from resources import COURSES, STUDENTS, enrolled_in, students_of
from security import role_required
from validators import possible_ids
from models import Course, Enrollment, Student, db
from views.pickers import MATCHES, pickers
from views.bulk import add_bulk
from views.history import add_history
from views.transfer import add_import, add_transfer, export_response
from views.steps import after_save, delete_confirmed, list_page, offer_undo, printout, submitted


bp = Blueprint("courses", __name__, url_prefix="/courses")
add_history(bp, COURSES)
add_bulk(bp, COURSES)
add_transfer(bp, COURSES)
add_import(bp, enrollments, "enrollments", COURSES.edit_role, "Enrollments", prefix="enrollments_")


def enrolled_students(course_id, computed: tuple[str, ...] = ()):
    """The students of one course, as a list of their own: showing `computed` (the students list's, for a class
    list that shows its every column; the course's page shows three)."""
    return course_listing(course_id, computed, backend())


@lru_cache(maxsize=256)
def course_listing(course_id, computed: tuple[str, ...], _backend):
    """Made once per course and kept, with the statements made of it (listing.Listing), as a list's own are: made
    anew for each request, a course's page built its statements anew (1,000,000 students, SQLite: a course of 30
    4.1 -> 3.6 ms, one a whole grade takes 5.3 -> 4.3 ms)."""
    return STUDENTS.listing.within(students_of(course_id), computed=computed)


def get_course(id, *columns, beside=None):
    """The course with its teacher and student count, and `columns` computed in the same statement (of `beside`, a
    row of its own: Listing.count_row); or a 404."""
    query = db.select(Course, *columns).where(Course.id == id)
    if beside is not None:
        query = query.join_from(Course, beside, db.true())
    found = db.session.execute(query.options(joinedload(Course.teacher), undefer(Course.student_count))).one_or_none()
    if found is None:
        abort(404)
    return found if columns else found[0]


@bp.get("")
def index():
    """A page of courses, searched, filtered and sorted as the query string says."""
    return list_page(COURSES)


@bp.get("/<int:id>")
def detail(id):
    """One course: its teacher and its students, page by page."""
    students = enrolled_students(id)
    args = students.args(request.args)
    if args.narrowed:  # one statement for both: the count lists the ids a page of few matches reads
        count = students.count_row(args)
        course, *counted = get_course(id, *count.c, beside=count)
        page = students.page(args, among_rows=course.student_count, counted=counted)
    else:  # the count the triggers keep: no count of a thousand enrollments
        course = get_course(id)
        page = students.page(args, total=course.student_count, among_rows=course.student_count)
    return render_template("courses/detail.html", resource=COURSES, course=course, page=page)


@bp.get("/<int:id>/print")
def class_list(id):
    """A course's class list: every student (searched as its page is), up to the print limit, laid out for paper."""
    students = enrolled_students(id, STUDENTS.listing.computed)
    course, total = get_course(id, students.total(students.args(request.args)))
    teacher = f"Teacher: {course.teacher.name}" if course.teacher else "No teacher"
    return printout(STUDENTS, students, f"{course.code} {course.title}: class list", url_for(".detail", id=id),
                    total=total, subtitle=teacher)


@bp.get("/<int:id>/students/export")
def export_students(id):
    """Every student of a course that its search and sort leave, as CSV or XLSX."""
    course, students = get_course(id), enrolled_students(id)
    query = request.query_string.decode(errors="replace")
    return export_response(STUDENTS, students, students.args(request.args), f"{course.code}-students",
                           f"students of {course.code}{'?' + query if query else ''}")


@bp.get("/<int:id>/enroll")
@role_required(COURSES.edit_role)
def enroll_search(id):
    """Find students to enroll in a course."""
    course = get_course(id)
    find = request.args.get("find", "")[:100]
    candidates = first_matches(Student, find, limit=MATCHES + 1, exclude=enrolled_in(id)) if find else []
    return render_template("courses/enroll.html", course=course, find=find, candidates=candidates, limit=MATCHES,
                           resource=STUDENTS)


@bp.route("/new", methods=["GET", "POST"])
@role_required(COURSES.edit_role)
def new():
    """Create a course."""
    form, course = COURSES.form(), Course()
    if submitted(form) and records.save(form, course):
        return after_save(COURSES, course, form)
    return render_template("courses/form.html", resource=COURSES, form=form, course=None, pickers=pickers(form))


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@role_required(COURSES.edit_role)
def edit(id):
    """Edit a course and choose its teacher."""
    course = db.get_or_404(Course, id)
    form = COURSES.form(obj=course)
    if submitted(form) and records.save(form, course):
        return after_save(COURSES, course, form)
    return render_template("courses/form.html", resource=COURSES, form=form, course=course, pickers=pickers(form))


@bp.get("/<int:id>/confirm-delete")
@role_required(COURSES.edit_role)
def confirm_delete(id):
    """Ask before deleting a course, saying which enrollments go with it."""
    course = get_course(id)
    students = enrolled_students(id)
    first = students.page(students.args(MultiDict({"per_page": "10"})), total=course.student_count)
    return render_template("courses/delete.html", resource=COURSES, record=course, students=first.items)


@bp.post("/<int:id>/delete")
@role_required(COURSES.edit_role)
def delete(id):
    """Delete a course; the database removes its enrollments in the same transaction."""
    course = db.get_or_404(Course, id)
    return delete_confirmed(COURSES, course)


@bp.post("/<int:id>/enrollments")
@role_required(COURSES.edit_role)
def enroll(id):
    """Enroll a student in this course."""
    course = db.get_or_404(Course, id)
    student_id = request.form.get("student_id", type=int)
    if not possible_ids([student_id]):
        abort(400, "Choose a student to enroll.")
    student = db.get_or_404(Student, student_id)
    name, code = who(student, quoted=True), course.code
    if records.enroll(student, course):
        flash(f"Enrolled {name} in {code}.", "success")
        offer_undo()
    else:
        flash(f"{name} was enrolled in {code} already.", "info")
    return redirect(url_for(".enroll_search", id=course.id, find=request.form.get("find", "")[:100] or None))


@bp.post("/<int:id>/enrollments/<int:student_id>/delete")
@role_required(COURSES.edit_role)
def unenroll(id, student_id):
    """Take a student off this course."""
    enrollment = db.session.get(Enrollment, (student_id, id), options=[joinedload(Enrollment.student)])
    if enrollment is None:  # taken off by someone else meanwhile, or never there
        db.get_or_404(Course, id)
        flash("That student is not on this course any more: see its History.", "info")
        return redirect(url_for(".detail", id=id))
    name, code = who(enrollment.student, quoted=True), enrollment.course.code
    records.unenroll(enrollment)
    flash(f"Took {name} off {code}.", "success")
    offer_undo()
    return redirect(url_for(".detail", id=id))
