"""Staff accounts: list, detail, create, edit, delete."""

from flask import Blueprint, render_template, request

from forms import UserForm, UserListArgs
from listing import Listing
from models import User, db
from views.records import delete as delete_record
from views.records import save

bp = Blueprint("users", __name__, url_prefix="/users")

LISTING = Listing(
    query=db.select(User),
    id_column=User.id,
    sorts={"name": User.name, "email": User.email, "age": User.age, "created": User.created_at},
    default_sort="name",
    search=User.search_text,
    filters={"age_min": lambda age: User.age >= age, "age_max": lambda age: User.age <= age},
)


@bp.get("")
def index():
    """A page of users, searched, filtered and sorted as the query string says."""
    return render_template("users/list.html", page=LISTING.page(UserListArgs(request.args)))


@bp.get("/<int:id>")
def detail(id):
    """One user."""
    return render_template("users/detail.html", user=db.get_or_404(User, id))


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Create a user."""
    form = UserForm()
    if form.validate_on_submit() and (saved := save(form, User())):
        return saved
    return render_template("users/form.html", form=form, user=None)


@bp.route("/<int:id>/edit", methods=["GET", "POST"])
def edit(id):
    """Edit a user."""
    user = db.get_or_404(User, id)
    form = UserForm(obj=user)
    if form.validate_on_submit() and (saved := save(form, user)):
        return saved
    return render_template("users/form.html", form=form, user=user)


@bp.get("/<int:id>/confirm-delete")
def confirm_delete(id):
    """Ask before deleting a user."""
    return render_template("confirm_delete.html", record=db.get_or_404(User, id), noun="user")


@bp.post("/<int:id>/delete")
def delete(id):
    """Delete a user."""
    return delete_record(db.get_or_404(User, id))
