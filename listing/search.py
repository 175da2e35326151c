"""How a search term is matched, decided once for every backend: list pages, pickers and the enroll page ask here.

Each listed row keeps `search_text`, a folded copy of its search fields (models.Record). A term of three characters
or more is looked up in SQLite's FTS5 trigram index; on PostgreSQL the LIKE pattern is served by a pg_trgm index;
terms of one or two characters, and MariaDB (no substring index), match with LIKE.
"""

from flask import current_app
from sqlalchemy import ColumnElement, Select, select

from database.backend import backend
from database.schema_extras import search_table
from models import db, fold
from validators import CONTROL_CHARACTERS


def term_of(text: str) -> str:
    """A typed search as it is compared: folded like search_text, without control characters (a NUL would break
    the query; no one types them)."""
    return fold(CONTROL_CHARACTERS.sub(" ", text)).strip()


def indexed(term: str) -> bool:
    """Whether `term` can be looked up in SQLite's trigram index: three characters or more."""
    return len(term) >= 3 and backend().trigram_table


def index_matches(model, term: str) -> Select:
    """The ids of the rows whose search_text contains `term`, from SQLite's FTS5 trigram index."""
    index = search_table(model.__tablename__)
    return select(index.c.rowid).where(index.c.search_text.match('"' + term.replace('"', '""') + '"'))


def matches(model, term: str, how: str = "index") -> ColumnElement:
    """Rows whose search_text contains `term`. Where the trigram index serves the term, "index" and "walk" ask it
    ("walk" so that SQLite cannot use the id to drive the query, and walks the sort order's index instead).
    Otherwise, or with "like", a LIKE pattern, which PostgreSQL's pg_trgm index serves itself."""
    if how != "like" and indexed(term):
        return (model.id if how == "index" else model.id + 0).in_(index_matches(model, term))
    return model.search_text.contains(term, autoescape=True)


def how_to_fetch(total: int, exact: bool) -> str:
    """How a page of a search is fetched, by how many rows match. Few: fetch them all from the search index and
    sort them. More: walk the sort order's index, keeping the rows the search index lists. More than the count cap:
    walk it checking each row's text."""
    return "index" if total <= current_app.config["LIST_INDEX_THEN_SORT"] else "walk" if exact else "like"


def first_matches(model, text: str, limit: int, exclude: Select | list | None = None) -> list:
    """Up to `limit` rows of `model` matching what was typed, by their first search field: for pickers."""
    term = term_of(text)
    if not term:
        return []
    label = getattr(model, model.search_fields[0])
    if indexed(term):
        # The first matches the trigram index lists, then sorted: ordered by name, a rare term would walk
        # the whole name index looking for them.
        ids = index_matches(model, term)
        if exclude is not None:
            ids = ids.where(ids.selected_columns.rowid.not_in(exclude))
        found = select(model).where(model.id.in_(ids.limit(limit)))
    else:
        found = select(model).where(matches(model, term, "like"))
        if exclude is not None:
            found = found.where(model.id.not_in(exclude))
    return db.session.scalars(found.order_by(label, model.id).limit(limit)).all()
