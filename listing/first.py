"""The first rows that match what was typed, by their first search field: for search-then-pick fields (pickers) and
the search across everything, which show a few and link to the list of all."""

from sqlalchemy import Select, select

from database.backend import backend
from listing.search import Search, index_matches, matches, own_text, term_of
from models import db


def first_matches(model, text: str, limit: int, exclude: Select | list | None = None) -> list:
    """Up to `limit` rows of `model` matching what was typed, in its own text, by their first search field: for
    pickers and the global search."""
    search = Search(tuple(dict.fromkeys(term_of(text).split())))
    if not search:
        return []
    label = getattr(model, model.search_fields[0])
    if search.long and backend().trigram_table:
        # The first matches the trigram index lists, then sorted: ordered by name, a rare term would walk
        # the whole name index looking for them.
        ids = index_matches(model, search)
        if exclude is not None:
            ids = ids.where(ids.selected_columns.rowid.not_in(exclude))
        found = select(model).where(model.id.in_(ids.limit(limit if not search.short else limit * 20)))
        found = found.where(own_text(model, Search(tuple(search.short)), "like")) if search.short else found
    else:
        found = select(model).where(matches(model, search, "like"))
        if exclude is not None:
            found = found.where(model.id.not_in(exclude))
    return db.session.scalars(found.order_by(label, model.id).limit(limit)).all()
