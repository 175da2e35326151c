"""The account page (the colour scheme, links to one's password and saved views), and the columns each list shows."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

import preferences
from preference_forms import ColorSchemeForm, ColumnsForm
from views.steps import posted_list

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("", methods=["GET", "POST"])
def index():
    """One's account: the colour scheme Roster shows, and links to the password and the saved views."""
    chosen = current_user.preferences.color_scheme if current_user.preferences else "system"
    form = ColorSchemeForm(color_scheme=chosen)
    if form.validate_on_submit():
        preferences.choose_color_scheme(current_user.id, form.color_scheme.data)
        flash("Saved your colour scheme.", "success")
        return redirect(url_for(".index"))
    return render_template("account.html", form=form)


@bp.post("/columns")
def columns():
    """Choose the columns a list shows: remembered for this user, the first (the row's name) always shown."""
    resource = posted_list()
    form = ColumnsForm()
    form.columns.choices = [(column.name, column.label) for column in resource.columns]
    if not form.validate_on_submit():
        abort(400, "These columns could not be read; choose them again.")
    chosen = [column.name for n, column in enumerate(resource.columns) if n == 0 or column.name in form.columns.data]
    preferences.choose_columns(current_user.id, resource.name, chosen)
    flash(f"Saved the columns of the {resource.name} list.", "success")
    query = resource.list_query(form.query.data or "")
    return redirect(url_for(f"{resource.name}.index") + (f"?{query}" if query else ""))
