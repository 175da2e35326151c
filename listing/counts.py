"""How many rows a list has: exact from the kept row counts, or counted up to a cap; and a search's few matches,
listed as they are counted."""

import json
from functools import cache, lru_cache

from flask import current_app
from sqlalchemy import ARRAY, CTE, ColumnElement, Integer, Select, any_, asc, bindparam, desc, func, null, select

from database.backend import backend
from database.schema_extras import row_counts


def count_cap() -> int:
    """Counting the matches of a search or filter stops here: "more than 10,000" is true and costs no more at 1M."""
    return current_app.config["LIST_COUNT_CAP"]


@cache  # the same for every request: built once
def counted_rows(model) -> ColumnElement:
    """The exact number of rows, kept by triggers (schema_extras): no count over a million rows. Where no count is
    kept (a table made outside migrations and create_all) it counts; COALESCE only runs that when it must."""
    kept = select(row_counts.c.row_count).where(row_counts.c.table_name == model.__tablename__).scalar_subquery()
    return func.coalesce(kept, select(func.count()).select_from(model).scalar_subquery())


@cache
def unnarrowed_total(model) -> Select:
    """The statement of a list's total when nothing narrows it (and nothing is listed): built once, not per request."""
    return select(counted_rows(model), null())


def capped_count(rows: Select, cap: int | ColumnElement | None = None) -> ColumnElement:
    """How many rows a query finds, counting no further than one past the cap (`cap`, or the lists' own; SQL, too)."""
    limit = (count_cap() if cap is None else cap) + 1
    return select(func.count()).select_from(rows.limit(limit).subquery()).scalar_subquery()


def counted(rows: Select, cap: int | None = None) -> CTE:
    """The rows a query finds, no further than one past the cap, as a CTE: counted by count_of(), and, when they are
    few, listed by id_list() from the same reading."""
    return rows.limit((cap or count_cap()) + 1).cte("counted")


def count_of(rows: CTE) -> ColumnElement:
    return select(func.count()).select_from(rows).scalar_subquery()


def id_list(rows: CTE) -> ColumnElement:
    """The ids `rows` holds, as one value (a JSON array): read by ids_of()."""
    return select(getattr(func, backend().json_aggregates[0])(rows.c[0])).scalar_subquery()


def ids_of(value) -> list[int]:
    """The ids id_list() gave: a list (PostgreSQL decodes JSON itself), JSON text, or nothing for no rows."""
    return value if isinstance(value, list) else json.loads(value) if value else []


@lru_cache(maxsize=None)
def listed_ids(model, on) -> ColumnElement:
    """The rows of the ids id_list() gave (a search's matches, listed as they were counted: Listing.page), the ids a
    parameter, "listed" (listed_parameter()): one where the backend reads a list from one, on PostgreSQL an array
    ("Collins Kim", 293 ids: 4.1-5.7 ms as parameters of an IN, 3.2-3.5 ms so), on SQLite the JSON text itself
    ("иван", 973 ids: a page of 6.1 ms as parameters of an IN, 5.7 ms so). Made once, and so is a statement made of
    it: only the parameter changes."""
    if on.id_list_parameter == "json_each":
        return model.id.in_(select(func.json_each(bindparam("listed")).table_valued("value").c.value))
    if on.id_list_parameter == "array":
        return model.id == any_(bindparam("listed", type_=ARRAY(Integer)))
    return model.id.in_(bindparam("listed", expanding=True))


def listed_parameter(listed) -> dict:
    """The parameter of listed_ids() for the ids id_list() gave."""
    return {"listed": (listed or "[]") if backend().id_list_parameter == "json_each" else ids_of(listed)}


def among_few(model, ids: Select) -> ColumnElement:
    """The rows whose ids `ids` selects, known to be few (a search's counted matches, a course's students): on
    PostgreSQL their ids are found first, as one array, and the page sorts those. Its planner cannot tell how many
    rows a LIKE finds: it took "%иван%" for 1% of the rows and walked the name index looking for its first 26, and
    the 973 Cyrillic names sort last: 2.9 s at 1,000,000 students, 33 ms so. A course of 1,000 students, estimated
    at 1,401, had it walk the name index probing each student's enrollments: 222-264 ms, 1.6 ms so. SQLite's "index"
    drives the query from the trigram index already."""
    if backend().name != "postgresql":
        return model.id.in_(ids)
    return model.id == any_(func.array(ids.scalar_subquery()))


def keyed() -> bool:
    """Whether a search's count carries each match's sort key, to list the page's ids as it counts: on PostgreSQL,
    whose count reads every match's row anyway (a trigram index only suggests rows; each is checked). "garcia" (5,692
    matches) read them twice, counted then sorted: 8 + 8.7 ms. SQLite counts from its trigram index alone."""
    return backend().name == "postgresql"


def page_ids(rows: CTE, order, offset: int, limit: int) -> ColumnElement:
    """The ids of the `limit` rows after `offset` of `rows` (keyed: id, key) in `order`, as id_list() gives them."""
    direction = asc if order.ascending else desc
    ordering = ([rows.c.key.is_(None)] if order.nullable else []) + [direction(rows.c.key), direction(rows.c.id)]
    page = select(rows.c.id).order_by(*ordering).offset(offset).limit(limit).subquery()
    return select(getattr(func, backend().json_aggregates[0])(page.c.id)).scalar_subquery()
