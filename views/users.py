"""Staff accounts: list, detail, create, edit, delete."""

from flask import Blueprint, render_template, request
from sqlalchemy.orm import undefer

from forms import UserForm, UserListArgs
from listing import Listing
from models import Course, Student, User, db
from views.records import delete as delete_record
from views.records import save, submitted

bp = Blueprint("users", __name__, url_prefix="/users")

LISTING = Listing(
    model=User,
    sorts={"name": User.name, "email": User.email, "age": User.age, "created": User.created_at},
    default_sort="name",
    filters={"age_min": lambda age: User.age >= age, "age_max": lambda age: User.age <= age},
    options=(undefer(User.advisee_count),),
)
SHOWN = 10  # related rows a detail or delete page lists before linking to the rest


def get_user_with_counts(id):
    return db.get_or_404(User, id, options=[undefer(User.advisee_count), undefer(User.course_count)])


def first_advisees_and_courses(user):
    advisees = db.select(Student).where(Student.advisor_id == user.id).order_by(Student.name, Student.id)
    courses = db.select(Course).where(Course.teacher_id == user.id).order_by(Course.code)
    return db.session.scalars(advisees.limit(SHOWN)).all(), db.session.scalars(courses.limit(SHOWN)).all()


@bp.get("")
def index():
    """A page of users, searched, filtered and sorted as the query string says."""
    return render_template("users/list.html", page=LISTING.page(UserListArgs(request.args)))


@bp.get("/<int:id>")
def detail(id):
    """One user, with the students they advise and the courses they teach."""
    user = get_user_with_counts(id)
    advisees, courses = first_advisees_and_courses(user)
    return render_template("users/detail.html", user=user, advisees=advisees, courses=courses)


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a user."""
    form = UserForm()
    if submitted(form) and (saved := save(form, User())):
        return saved
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
def edit(id):
    """Edit a user."""
    user = db.get_or_404(User, id)
    form = UserForm(obj=user)
    if submitted(form) and (saved := save(form, user)):
        return saved
    return render_template("users/form.html", form=form, user=user)


@bp.get("/<int:id>/confirm-delete")
def confirm_delete(id):
    """Ask before deleting a user, saying which students lose their advisor and which courses their teacher."""
    user = get_user_with_counts(id)
    advisees, courses = first_advisees_and_courses(user)
    return render_template("users/delete.html", record=user, noun="user", advisees=advisees, courses=courses)


@bp.post("/<int:id>/delete")
def delete(id):
    """Delete a user; the database unsets them as advisor and teacher in the same transaction."""
    return delete_record(db.get_or_404(User, id))
