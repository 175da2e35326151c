"""Search-then-pick controls for choosing among thousands of rows, with or without JavaScript."""

from dataclasses import dataclass

from flask import request

from listing import index_matches, indexed_search
from validators import CONTROL_CHARACTERS, PickMany, PickOne, possible_ids
from models import db, fold

MATCHES = 8


@dataclass(frozen=True)
class Picker:
    query: str  # what was typed in the picker's search box
    chosen: list  # the rows the field holds now
    matches: list  # rows matching the query, not yet chosen


def search(model, query: str, limit: int = MATCHES, exclude=None) -> list:
    """Up to `limit` rows of `model` whose folded search text contains `query`, by their first search field."""
    term = fold(CONTROL_CHARACTERS.sub(" ", query)).strip()  # no one types them; NUL would break the query
    if not term:
        return []
    label = getattr(model, model.search_fields[0])
    if indexed_search(term):
        # The first matches SQLite's trigram index lists, then sorted: ordered by name, a rare term would walk
        # the whole name index looking for them.
        ids = index_matches(model, term)
        if exclude is not None:
            ids = ids.where(ids.selected_columns.rowid.not_in(exclude))
        found = db.select(model).where(model.id.in_(ids.limit(limit)))
    else:
        found = db.select(model).where(model.search_text.contains(term, autoescape=True))
        if exclude is not None:
            found = found.where(model.id.not_in(exclude))
    return db.session.scalars(found.order_by(label, model.id).limit(limit)).all()


def searching(form) -> bool:
    """The form was posted to search in a picker: its Search button, or a search typed and not yet acted on
    (Enter in a picker's search box presses the form's default button, Save)."""
    if request.form.get("then") == "find":
        return True
    return any(request.form.get(f"{field.name}_q", "").strip() for field in form if isinstance(field, (PickOne, PickMany)))


def pickers(form) -> dict[str, Picker]:
    """A Picker for every PickOne and PickMany field of `form`, searched with what the form posted."""
    result = {}
    for field in form:
        if not isinstance(field, (PickOne, PickMany)):
            continue
        ids = possible_ids((field.data if isinstance(field, PickMany) else [field.data]) or [])
        chosen = db.session.scalars(db.select(field.model).where(field.model.id.in_(ids))).all() if ids else []
        query = request.form.get(f"{field.name}_q", "")[:100]
        result[field.name] = Picker(query, chosen, search(field.model, query, exclude=ids))
    return result
