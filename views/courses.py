"""Courses: list, detail with enrolled students, create, edit, delete, enroll and unenroll."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload, undefer
from werkzeug.datastructures import MultiDict

from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from forms import CourseForm
from listing import ListArgs, Listing, RowIdField
from security import role_required
from validators import possible_ids
from models import Course, Enrollment, Student, User, db
from views.pickers import MATCHES, pickers, search
from views.records import delete as delete_record
from views.records import save, submitted


class CourseListArgs(ListArgs):
    teacher = RowIdField("Teacher")
    credits = IntegerField("Credits", validators=[Optional(), NumberRange(0, 20)], render_kw={"min": 0, "max": 20})


bp = Blueprint("courses", __name__, url_prefix="/courses")

LISTING = Listing(
    model=Course,
    sorts={"code": Course.code, "title": Course.title, "credits": Course.credits},
    default_sort="code",
    filters={"teacher": lambda user_id: Course.teacher_id == user_id, "credits": lambda n: Course.credits == n},
    relations={"teacher": (User, User.name)},
    options=(joinedload(Course.teacher), undefer(Course.student_count)),
)


def enrolled_ids(course_id):
    return db.select(Enrollment.student_id).where(Enrollment.course_id == course_id)


def enrolled_listing(course_id):
    """The students of one course, as a list page of their own."""
    return Listing(
        model=Student,
        sorts={"name": Student.name, "grade": Student.grade},
        default_sort="name",
        where=(Student.id.in_(enrolled_ids(course_id)),),
    )


def get_course(id, *columns):
    """The course with its teacher and student count, and `columns` computed in the same statement; or a 404."""
    query = db.select(Course, *columns).where(Course.id == id)
    found = db.session.execute(query.options(joinedload(Course.teacher), undefer(Course.student_count))).one_or_none()
    if found is None:
        abort(404)
    return found if columns else found[0]


@bp.get("")
def index():
    """A page of courses, searched, filtered and sorted as the query string says."""
    return render_template("courses/list.html", page=LISTING.page(CourseListArgs(request.args)))


@bp.get("/<int:id>")
def detail(id):
    """One course: its teacher and its students, page by page."""
    students, args = enrolled_listing(id), ListArgs(request.args)
    course, total = get_course(id, students.total(args))  # one statement for both
    return render_template("courses/detail.html", course=course, page=students.page(args, total=total))


@bp.get("/<int:id>/enroll")
@role_required("editor")
def enroll_search(id):
    """Find students to enroll in a course."""
    course = get_course(id)
    find = request.args.get("find", "")[:100]
    candidates = search(Student, find, limit=MATCHES + 1, exclude=enrolled_ids(id)) if find else []
    return render_template("courses/enroll.html", course=course, find=find, candidates=candidates, limit=MATCHES)


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    """Create a course."""
    form = CourseForm()
    if submitted(form) and (saved := save(form, Course())):
        return saved
    return render_template("courses/form.html", form=form, course=None, pickers=pickers(form))


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(id):
    """Edit a course and choose its teacher."""
    course = db.get_or_404(Course, id)
    form = CourseForm(obj=course)
    if submitted(form) and (saved := save(form, course)):
        return saved
    return render_template("courses/form.html", form=form, course=course, pickers=pickers(form))


@bp.get("/<int:id>/confirm-delete")
@role_required("editor")
def confirm_delete(id):
    """Ask before deleting a course, saying which enrollments go with it."""
    course = get_course(id)
    students = enrolled_listing(id).page(ListArgs(MultiDict({"per_page": "10"})), total=course.student_count)
    return render_template("courses/delete.html", record=course, noun="course", students=students.items)


@bp.post("/<int:id>/delete")
@role_required("editor")
def delete(id):
    """Delete a course; the database removes its enrollments in the same transaction."""
    return delete_record(db.get_or_404(Course, id))


@bp.post("/<int:id>/enrollments")
@role_required("editor")
def enroll(id):
    """Enroll a student in this course."""
    course = db.get_or_404(Course, id)
    student_id = request.form.get("student_id", type=int)
    if not possible_ids([student_id]):
        abort(400, "Choose a student to enroll.")
    student = db.get_or_404(Student, student_id)
    if db.session.get(Enrollment, (student.id, course.id)) is None:
        db.session.add(Enrollment(student=student, course=course))
        db.session.commit()
    flash(f"Enrolled “{student}” in {course.code}.", "success")
    return redirect(url_for(".enroll_search", id=course.id, find=request.form.get("find", "")[:100] or None))


@bp.post("/<int:id>/enrollments/<int:student_id>/delete")
@role_required("editor")
def unenroll(id, student_id):
    """Take a student off this course."""
    enrollment = db.get_or_404(Enrollment, (student_id, id), options=[joinedload(Enrollment.student)])
    name, code = str(enrollment.student), enrollment.course.code
    db.session.delete(enrollment)
    db.session.commit()
    flash(f"Took “{name}” off {code}.", "success")
    return redirect(url_for(".detail", id=id))
