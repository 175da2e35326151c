"""Saved views: a list's query string under a name, opened by a plain link to the list; one's own are renamed,
pinned to the header and deleted on /views, where the views admins shared are listed too."""

from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

import preferences
from models import SavedView, db
from preference_forms import SaveViewForm, ViewNameForm
from views.steps import posted_list

bp = Blueprint("saved_views", __name__, url_prefix="/views")


@bp.app_template_global()
def view_url(view: SavedView) -> str:
    """Where a saved view opens: its list, with its query string."""
    return url_for(f"{view.resource}.index") + (f"?{view.query}" if view.query else "")


@bp.app_template_global()
def is_open(view: SavedView) -> bool:
    """Whether this page is the view: its list, with its arguments in any order."""
    return (request.endpoint == f"{view.resource}.index"
            and sorted(parse_qsl(request.query_string.decode(errors="replace"))) == sorted(parse_qsl(view.query)))


def own_view_or_404(id: int) -> SavedView:
    """One of the signed-in user's own views; another's (shared or not) is not theirs to change."""
    view = db.get_or_404(SavedView, id)
    if view.owner_id != current_user.id:
        abort(404)
    return view


@bp.get("")
def index():
    """One's own saved views, to open, rename, pin and delete, and the views admins share with everyone."""
    return render_template("saved_views/index.html", renaming=None)


@bp.post("")
def create():
    """Save a list as it is now (its search, filters, sort, rows per page and columns) under a name."""
    resource = posted_list()
    form = SaveViewForm(owner_id=current_user.id, list_name=resource.name)
    if form.shared.data and not current_user.at_least("admin"):
        abort(403, "Only admins may share a view with everyone.")
    if form.validate_on_submit():
        query = resource.list_query(form.query.data or "")
        if view := preferences.save_view(current_user.id, resource.name, form.name.data, query, form.shared.data):
            flash(f"Saved the view “{view.name}”{', shared with everyone' if view.shared else ''}.", "success")
            return redirect(view_url(view))
        form.name.errors.append("A view of yours was just saved under this name: choose another.")
    return render_template("saved_views/new.html", form=form, resource=resource)


@bp.post("/<int:id>/rename")
def rename(id):
    """Give one of one's views another name."""
    view = own_view_or_404(id)
    if view.shared and not current_user.at_least("admin"):  # shared while its owner was an admin: everyone sees it
        abort(403, "Only admins may rename a view shared with everyone.")
    old_name = view.name
    form = ViewNameForm(owner_id=current_user.id, list_name=view.resource, view=view)
    if form.validate_on_submit():
        if preferences.rename_view(view, form.name.data):
            flash(f"Renamed the view “{old_name}” to “{view.name}”.", "success")
            return redirect(url_for(".index"))
        form.name.errors.append("A view of yours was just saved under this name: choose another.")
    return render_template("saved_views/index.html", renaming=(view.id, form))


@bp.post("/<int:id>/pin")
def pin(id):
    """Put one of one's views in the header."""
    return pinned(own_view_or_404(id), True)


@bp.post("/<int:id>/unpin")
def unpin(id):
    """Take one of one's views out of the header."""
    return pinned(own_view_or_404(id), False)


def pinned(view: SavedView, pin: bool):
    preferences.pin_view(view, pin)
    flash(f"Pinned the view “{view.name}”: it is in the header now." if pin else f"Unpinned the view “{view.name}”.",
          "success")
    return redirect(url_for(".index"))


@bp.post("/<int:id>/delete")
def delete(id):
    """Delete one of one's views (the list it opens stays as it is)."""
    view = own_view_or_404(id)
    preferences.delete_view(view)
    flash(f"Deleted the view “{view.name}”.", "success")
    return redirect(url_for(".index"))
