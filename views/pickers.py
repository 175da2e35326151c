"""Search-then-pick controls for choosing among thousands of rows, with or without JavaScript."""

from dataclasses import dataclass

from flask import request

from listing.first import first_matches
from validators import PickMany, PickOne, possible_ids
from models import db

MATCHES = 8


@dataclass(frozen=True)
class Picker:
    query: str  # what was typed in the picker's search box
    chosen: list  # the rows the field holds now
    matches: list  # rows matching the query, not yet chosen: the first MATCHES of them
    more: bool = False  # more than MATCHES match: the picker asks for more of the name


def searching(form) -> bool:
    """The form was posted to search in a picker: its Search button, or a search typed and not yet acted on
    (Enter in a picker's search box presses the form's default button, Save)."""
    if request.form.get("then") == "find":
        return True
    # The box keeps the term after a search (`_searched` holds it too): only a term changed since is a new search.
    return any(
        (typed := request.form.get(f"{field.name}_q", "").strip()) and typed != request.form.get(f"{field.name}_searched", "").strip()
        for field in form if isinstance(field, (PickOne, PickMany))
    )


def pickers(form) -> dict[str, Picker]:
    """A Picker for every PickOne and PickMany field of `form`, searched with what the form posted."""
    result = {}
    for field in form:
        if not isinstance(field, (PickOne, PickMany)):
            continue
        ids = possible_ids((field.data if isinstance(field, PickMany) else [field.data]) or [])
        # Sorted as the detail pages sort them: people by name, courses by code (each model's first search field).
        label = getattr(field.model, field.model.search_fields[0])
        chosen = db.session.scalars(db.select(field.model).where(field.model.id.in_(ids)).order_by(label, field.model.id)).all() if ids else []
        query = request.form.get(f"{field.name}_q", "")[:100]
        matches = first_matches(field.model, query, MATCHES + 1, exclude=ids)
        result[field.name] = Picker(query, chosen, matches[:MATCHES], more=len(matches) > MATCHES)
    return result
