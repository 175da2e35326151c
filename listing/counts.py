"""How many rows a list has: exact from the kept row counts, or counted up to a cap; and a search's few matches,
listed as they are counted."""

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

from flask import current_app
from sqlalchemy import ARRAY, CTE, ColumnElement, Integer, Select, any_, asc, bindparam, case, desc, func, null, select

from database.backend import backend, likely
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
    return select(counted_rows(model), null(), null())


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


@dataclass(frozen=True)
class Copy:
    """Another table's index of these rows' ids in the order of one of their columns, copied there (a course's
    enrollments carry each student's name and GPA: database/copied_keys.py): a page in that order reads its ids
    there."""

    of: str  # the key of the column copied
    key: ColumnElement  # the copy
    id: ColumnElement  # the row's id beside it
    where: ColumnElement  # the other table's rows that are these rows'


@dataclass(frozen=True)
class Among:
    """What else a list may do with among_few's condition than check it."""

    ids: Select  # the rows' ids, each once
    id: ColumnElement  # the rows' id column
    each_of: Callable[[ColumnElement], ColumnElement] | None = None  # the condition checked on one id (its
    # enrollment looked up): on the rows' own id, or on an id an index listed, whose row need not be read
    kept: ColumnElement | None = None  # how many rows there are, kept by triggers
    copies: tuple[Copy, ...] = ()  # where their ids are in order of a column

    @cached_property
    def each(self) -> ColumnElement | None:
        """The condition checked on one row."""
        return None if self.each_of is None else self.each_of(self.id)


def copied(conditions, column: ColumnElement) -> Copy | None:
    """Where the ids of the rows that meet `conditions` are in `column`'s order, when among_few made the only one."""
    among = getattr(conditions[0], "among", None) if len(conditions) == 1 else None
    return next((copy for copy in among.copies if copy.of == column.key), None) if among else None


def among_few(model, ids: Select, each_of: Callable[[ColumnElement], ColumnElement] | None = None,
              kept: ColumnElement | None = None, copies: tuple[Copy, ...] = ()) -> ColumnElement:
    """The rows whose ids `ids` selects (each once), known to be few (a search's counted matches, a course's
    students): on PostgreSQL their ids are found first, as one array, and the page sorts those. Its planner cannot
    tell how many rows a LIKE finds: it took "%иван%" for 1% of the rows and walked the name index looking for its
    first 26, and the 973 Cyrillic names sort last: 2.9 s at 1,000,000 students, 33 ms so. A course of 1,000
    students, estimated at 1,401, had it walk the name index probing each student's enrollments: 222-264 ms, 1.6 ms
    so. SQLite's "index" drives the query from the trigram index already.

    Where they may be many after all (a course a whole grade takes: 83,291 students), `each_of` makes the condition
    checked on one row, for a page that walks its sort order (walking()), and `kept` how many there are: every one
    was found and sorted for a first page (PostgreSQL 172 ms; SQLite 15 ms to list their ids to check rows in)."""
    found = model.id.in_(ids) if backend().name != "postgresql" else model.id == any_(func.array(ids.scalar_subquery()))
    found.among = Among(ids, model.id, each_of, kept, copies)
    return found


def walking(condition: ColumnElement, near: bool = True) -> ColumnElement:
    """`condition` as a page that walks its sort order checks it, most rows being on the way (more than the count
    cap meet it): checked on each row (among_few's `each`), SQLite's planner told it is likely. A page typed far
    from the start walks so far that SQLite checks each row faster in the list of every id (0.2 µs a row, not 1.7,
    after 15 ms to list 83,291): page 100 of a grade's course took 57 ms so, 32 ms in the list. A planner with
    statistics (PostgreSQL's) chooses itself."""
    among = getattr(condition, "among", None)
    each = among and among.each
    return likely(each if each is not None and (near or not backend().likely_function) else condition)


def among_in(conditions) -> Among | None:
    """What among_few made of the first of `conditions` it made, if any."""
    return next((among for condition in conditions if (among := getattr(condition, "among", None))), None)


def count_meeting(model, conditions: list, cap: int | None = None) -> ColumnElement:
    """How many rows meet `conditions`, counted no further than one past the cap. Where the only one is among_few's,
    in its own ids, not each looked up in the table too (a course's 83,291 students counted to 10,001: SQLite 20 ms,
    0.7 so), and not at all when their kept count is past the cap."""
    among = getattr(conditions[0], "among", None) if len(conditions) == 1 else None
    if among is None:
        return capped_count(select(model.id).where(*conditions), cap)
    cap = count_cap() if cap is None else cap
    counted = capped_count(among.ids, cap)
    return counted if among.kept is None else case((among.kept > cap, cap + 1), else_=counted)


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
