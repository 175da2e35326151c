"""Students: list, detail, create, edit, delete."""

from flask import Blueprint, render_template, request

from forms import StudentForm, StudentListArgs
from listing import Listing
from models import Student, db
from views.records import delete as delete_record
from views.records import save

bp = Blueprint("students", __name__, url_prefix="/students")

LISTING = Listing(
    query=db.select(Student),
    id_column=Student.id,
    sorts={
        "name": Student.name,
        "email": Student.email,
        "grade": Student.grade,
        "gpa": Student.gpa,
        "enrolled": Student.enrolled_on,
    },
    default_sort="name",
    search=Student.search_text,
    filters={"grade": lambda grade: Student.grade == int(grade)},
)


@bp.get("")
def index():
    """A page of students, searched, filtered and sorted as the query string says."""
    return render_template("students/list.html", page=LISTING.page(StudentListArgs(request.args)))


@bp.get("/<int:id>")
def detail(id):
    """One student."""
    return render_template("students/detail.html", student=db.get_or_404(Student, id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a student."""
    form = StudentForm()
    if form.validate_on_submit() and (saved := save(form, Student())):
        return saved
    return render_template("students/form.html", form=form, student=None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
def edit(id):
    """Edit a student."""
    student = db.get_or_404(Student, id)
    form = StudentForm(obj=student)
    if form.validate_on_submit() and (saved := save(form, student)):
        return saved
    return render_template("students/form.html", form=form, student=student)


@bp.get("/<int:id>/confirm-delete")
def confirm_delete(id):
    """Ask before deleting a student."""
    return render_template("confirm_delete.html", record=db.get_or_404(Student, id), noun="student")


@bp.post("/<int:id>/delete")
def delete(id):
    """Delete a student."""
    return delete_record(db.get_or_404(Student, id))
