"""The steps every record's views share: save a valid form, delete after confirmation."""

from flask import flash, redirect, request, url_for
from sqlalchemy.exc import IntegrityError

from models import db
from views.pickers import searching


def noun(record) -> str:
    return type(record).__name__.lower()


def submitted(form) -> bool:
    """A valid form was posted to be saved (not to search in one of its pickers)."""
    return not searching(form) and form.validate_on_submit()


def save(form, record):
    """Writes a valid form into `record` and redirects; returns None when the form must be shown again."""
    form.populate_obj(record)
    db.session.add(record)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request took the same unique value since the form was checked: the database said no.
        db.session.rollback()
        if form.validate():
            form.form_errors.append("This could not be saved because it conflicts with another record. Try again.")
        return None
    flash(f"Saved {noun(record)} “{record}”.", "success")
    if request.form.get("then") == "add-another":
        return redirect(url_for(".new"))
    return redirect(url_for(".detail", id=record.id))


def delete(record):
    """Deletes `record` (the user has confirmed) and goes back to the list."""
    name = str(record)
    db.session.delete(record)
    db.session.commit()
    flash(f"Deleted {noun(record)} “{name}”.", "success")
    return redirect(url_for(".index"))
