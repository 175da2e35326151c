"""Students: list, detail, create, edit, delete."""

from flask import Blueprint, render_template, request
from sqlalchemy.orm import joinedload, selectinload, undefer

from wtforms import SelectChoice, SelectField

from forms import StudentForm
from listing import ListArgs, Listing, RowIdField
from security import role_required
from models import Course, Enrollment, Student, User, db
from views.pickers import pickers
from views.records import delete as delete_record
from views.records import save, submitted


class StudentListArgs(ListArgs):
    advisor = RowIdField("Advisor")
    course = RowIdField("Course")
    grade = SelectField("Grade", choices=[SelectChoice("", "All grades")] + [SelectChoice(str(g), f"Grade {g}") for g in range(1, 13)])


bp = Blueprint("students", __name__, url_prefix="/students")

LISTING = Listing(
    model=Student,
    sorts={
        "name": Student.name,
        "email": Student.email,
        "grade": Student.grade,
        "gpa": Student.gpa,
        "enrolled": Student.enrolled_on,
    },
    default_sort="name",
    filters={
        "grade": lambda grade: Student.grade == int(grade),
        "advisor": lambda user_id: Student.advisor_id == user_id,
        "course": lambda course_id: Student.id.in_(
            db.select(Enrollment.student_id).where(Enrollment.course_id == course_id)
        ),
    },
    relations={"advisor": (User, User.name), "course": (Course, Course.code + " " + Course.title)},
    options=(joinedload(Student.advisor), undefer(Student.course_count)),
)


def get_student_with_courses(id):
    courses = selectinload(Student.enrollments).joinedload(Enrollment.course)
    return db.get_or_404(Student, id, options=[joinedload(Student.advisor), courses])


@bp.get("")
def index():
    """A page of students, searched, filtered and sorted as the query string says."""
    return render_template("students/list.html", page=LISTING.page(StudentListArgs(request.args)))


@bp.get("/<int:id>")
def detail(id):
    """One student, with their advisor and courses."""
    return render_template("students/detail.html", student=get_student_with_courses(id))


@bp.route("/new", methods=["GET", "POST"])
@role_required("editor")
def new():
    """Create a student, with an advisor and courses."""
    form = StudentForm()
    if submitted(form) and (saved := save(form, Student())):
        return saved
    return render_template("students/form.html", form=form, student=None, pickers=pickers(form))


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
@role_required("editor")
def edit(id):
    """Edit a student, their advisor and courses: saved together or not at all."""
    student = get_student_with_courses(id)
    form = StudentForm(obj=student)
    if submitted(form) and (saved := save(form, student)):
        return saved
    return render_template("students/form.html", form=form, student=student, pickers=pickers(form))


@bp.get("/<int:id>/confirm-delete")
@role_required("editor")
def confirm_delete(id):
    """Ask before deleting a student, saying which enrollments go with them."""
    return render_template("students/delete.html", record=get_student_with_courses(id), noun="student")


@bp.post("/<int:id>/delete")
@role_required("editor")
def delete(id):
    """Delete a student; the database removes their enrollments in the same transaction."""
    return delete_record(db.get_or_404(Student, id))
