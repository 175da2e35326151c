"""The steps every resource's views share: show its list, tell a save from a picker search, answer a save."""

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

import records
from columns import shown_columns
from formatting import who
from listing.filters import chips as filter_chips, picks
from listing.search import prefix_only
from models import ROLES
from resources import BY_NAME
from views.history import RESOURCES
from views.pickers import searching


def list_page(resource):
    """A page of the resource's list, searched, filtered and sorted as the query string says, with the columns it
    names or its user chose. A filter by a row deleted since (a saved view's advisor, say) is dropped, and said."""
    listing = resource.listing
    page = listing.page(listing.args(request.args))
    if gone := [chip for chip in page.chips if chip.shown is None]:
        for chip in gone:
            flash(f"The {chip.label.lower()} this list was filtered by no longer exists; that filter was dropped.", "warning")
        return redirect(page.url(**{chip.name: None for chip in gone}, page=None))
    columns = shown_columns(resource, page.args, current_user.preferences)
    return render_template("list.html", resource=resource, page=page, chips=filter_chips(page, resource.filters),
                           picks=picks(resource.filters, request.args), prefix_only=prefix_only(page.args.value("q")),
                           columns=columns, view_query=resource.query_of(page.args, columns))


def posted_list():
    """The list a post is about (a saved view's, the columns chosen for): the resource its `resource` names, or a
    400."""
    resource = BY_NAME.get(request.form.get("resource", ""))
    if resource is None:
        abort(400, "Say which list this is for: students, users or courses.")
    return resource


def printout(resource, listing, title: str, back_url: str, total: int | None = None, subtitle: str = ""):
    """Every row the query string leaves, up to PRINT_LIMIT, on a page laid out for paper: the list's own page
    (for its count and the names of its filters), then the rows."""
    args = listing.args(request.args)
    limit = current_app.config["PRINT_LIMIT"]
    rows = listing.first_rows(args, limit + 1)
    return render_template("print_list.html", resource=resource, page=listing.page(args, total=total), rows=rows[:limit],
                           cut=len(rows) > limit, limit=limit, title=title, subtitle=subtitle, back_url=back_url)


def submitted(form) -> bool:
    """A valid form was posted to be saved (not to search in one of its pickers, nor to take the value someone
    saved meanwhile into a field: see records.conflicts)."""
    if taken := request.form.get("take"):
        records.conflicts.take_theirs(form, taken)
        return False
    return not searching(form) and form.validate_on_submit()


def after_save(resource, record, form):
    if form.merged and (note := form.merged.note()):
        flash(note, "info")
    flash(f"Saved {resource.noun} {who(record, quoted=True)}.", "success")
    offer_undo()
    if request.form.get("then") == "add-another":
        return redirect(url_for(".new"))
    if request.form.get("then") == "continue":
        return redirect(url_for(".edit", id=record.id))
    return redirect(url_for(".detail", id=record.id))


def delete_confirmed(resource, record):
    """Deletes a record at the version its confirmation page showed; one changed since is shown again first."""
    name = who(record, quoted=True)
    if not records.delete(record, request.form.get("version", type=int)):
        flash(f"{resource.noun.capitalize()} {name} was changed after you were asked: look again before deleting.",
              "warning")
        return redirect(url_for(".confirm_delete", id=record.id))
    flash(f"Deleted {resource.noun} {name}.", "success")
    offer_undo()
    return redirect(url_for(".index"))


def offer_undo():
    """The next page's flash offers Undo of the change set this request made, if it made one that the signed-in user
    may still undo: not one by which they took away their own admin role or access (Undo would answer 403). Told by
    what the change read before its commit (records.history.made): after a commit, no page needs the database."""
    change_set_id, made = g.get("change_set_id"), g.get("change_made")
    if not (change_set_id and made):
        return
    tables, role, active = made
    if active and all(ROLES.index(role) >= ROLES.index(RESOURCES[table].edit_role) for table in tables):
        flash(str(change_set_id), "undo")
