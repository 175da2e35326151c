"""How a search is matched, decided once for every backend: list pages, pickers, the enroll page and the global
search ask here.

A search is words, each matched anywhere, in any order ("garcia maria" finds María García). Each listed row keeps
`search_text`, a folded copy of its search fields (models.Record). Words of three characters or more are looked up
together in SQLite's FTS5 trigram index; on PostgreSQL each one's LIKE pattern is served by the pg_trgm index; on
MariaDB (no substring index) they match with LIKE. A word of one or two characters beside a longer one is checked on
the rows the longer one found. A search of only such short words cannot use a trigram on any backend: it matches
names (or codes) that start with it, through the sort key's index, and the page says so.

A word may also name a related row (a resource's `Also`: a student's advisor or course, a course's teacher, a
user's role). Those few related rows are looked up first, in one small statement, and the rows they lead to are
added by an index of their own (advisor_id, the enrollments), so the search stays index-backed.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from flask import current_app, g
from sqlalchemy import CTE, ColumnElement, Select, and_, case, false, func, or_, select, union, union_all
from sqlalchemy.sql.visitors import iterate

from database.backend import backend
from database.schema_extras import COVERING, search_table
from listing.counts import Among, among_few
from listing.related import Also, related_rows
from models import fold
from validators import CONTROL_CHARACTERS, without_invisible

SHORTEST_INDEXED = 3  # a trigram
LAST_CHARACTER = chr(0x10FFFF)


@dataclass(frozen=True)
class Search:
    """A typed search, folded and split into words, with the related rows each long word names."""

    words: tuple[str, ...] = ()
    related: dict = field(default_factory=dict)  # word -> [(Also, keys, labels)]

    def __bool__(self):
        return bool(self.words)

    def __hash__(self):  # its words and the keys of the related rows they name: what its statements are made of
        return hash((self.words, tuple((word, tuple((also, tuple(keys)) for also, keys, _ in named))
                                       for word, named in self.related.items())))

    @property
    def long(self) -> list[str]:
        return [word for word in self.words if len(word) >= SHORTEST_INDEXED]

    @property
    def short(self) -> list[str]:
        return [word for word in self.words if len(word) < SHORTEST_INDEXED]

    @property
    def prefix_only(self) -> bool:
        """Only words too short for a trigram: matched as the start of the name, never by a scan."""
        return bool(self.words) and not self.long


def term_of(text: str) -> str:
    """A typed search as it is compared: folded like search_text, without control characters (a NUL would break
    the query; no one types them) or invisible ones (the forms let none into saved text), spaces collapsed."""
    return " ".join(fold(CONTROL_CHARACTERS.sub(" ", without_invisible(text))).split())


def prefix_only(text: str | None) -> bool:
    """Whether a typed search has only words of one or two characters (the page says what it matched)."""
    return Search(tuple(term_of(text or "").split())).prefix_only


def parse(model, text: str, also: tuple[Also, ...] = ()) -> Search:
    """The search `text` asks for in `model`'s list, its related rows looked up once per request."""
    cache = g.setdefault("searches", {})
    key = (model.__name__, text, also)
    if key not in cache:
        words = tuple(dict.fromkeys(term_of(text).split()))
        cache[key] = Search(words, related_rows(tuple(w for w in words if len(w) >= SHORTEST_INDEXED), also))
    return cache[key]


def own_index_lists(search: Search) -> bool:
    """Whether SQLite's trigram index alone lists the rows matching in their own text (no short word to check)."""
    return bool(search.long) and not search.short and backend().trigram_table


def index_matches(model, search: Search) -> Select:
    """The ids of the rows whose search_text holds every long word, from SQLite's FTS5 trigram index."""
    index = search_table(model.__tablename__)
    phrases = " AND ".join('"' + word.replace('"', '""') + '"' for word in search.long)
    return select(index.c.rowid).where(index.c.search_text.match(phrases))


def starts_with(model, search: Search) -> ColumnElement:
    """Rows whose name (a course: code) starts with the typed text: a range of the sort key's index (counted in the
    index alone). Where a collation may order a few others inside it, then LIKE on that range, inside COALESCE:
    PostgreSQL took a bare LIKE for a second narrowing, expected one row and sorted all 2,393 names of "x" (7 ms, not
    0.2). By code point (SQLite) the range is exact: "m" counted to 10,001 in 0.97 ms, not 1.76 with LIKE."""
    name, transform = model.prefix_search
    column, prefix = getattr(model, name), transform(" ".join(search.words))
    stem = prefix.rstrip(LAST_CHARACTER)  # what follows every name that starts with the prefix: none after it
    bounds = [column >= prefix] + ([column < stem[:-1] + chr(ord(stem[-1]) + 1)] if stem else [])
    if backend().code_point_order:
        return and_(*bounds)
    return and_(*bounds, func.coalesce(column.startswith(prefix, autoescape=True), false()))


def own_text(model, search: Search, how: str) -> ColumnElement:
    """Rows whose own search_text holds every word: on SQLite through the trigram index ("index"), else checked on
    each row a walk reaches, in the index that carries the text (schema_extras.COVERING; "garcia": 0.4 ms, not 7)."""
    checks = [model.search_text.contains(word, autoescape=True) for word in search.short]
    if how == "index" and search.long and backend().trigram_table:
        return and_(model.id.in_(index_matches(model, search)), *checks)
    return and_(*checks, *(model.search_text.contains(word, autoescape=True) for word in search.long))


def own_word(model, word: str) -> ColumnElement:
    """Rows whose own text holds `word`: on SQLite a long word's ids from the trigram index, so that a row reached
    through a related row (an advisor's 5,000 advisees) is checked in that id list, not read from the table."""
    if backend().trigram_table and len(word) >= SHORTEST_INDEXED:
        return model.id.in_(index_matches(model, Search((word,))))
    return model.search_text.contains(word, autoescape=True)


def matches(model, search: Search, how: str = "index", among: tuple = ()) -> ColumnElement:
    """matching(), made once for a search, a way and the conditions beside it, then kept: a search's page asks again
    on every request, and SQLAlchemy cache-keyed each one it was given anew."""
    return matching(model, search, how, among, backend())


@lru_cache(maxsize=256)
def matching(model, search: Search, how: str, among: tuple, _backend) -> ColumnElement:
    """Rows matching every word of `search`, in their own text or in a related row a word names, of those that meet
    `among` too (a list's filters, which the caller adds). On SQLite "index" asks the trigram index; "walk" and "like"
    walk the sort order's index checking each row ("walk": a related row's among the ids both sides list). "few" is
    "index" for few matches, found first, then sorted (few()). PostgreSQL ORs the related rows beside the own text
    when filtered (it ANDs the filters' indexes with both: two grades, no advisor and "mar" counted in 26 ms, not 297)
    and for every match (a bulk action: "mar" grouped by advisor in one bitmap, 186 ms; the union, 644 ms)."""
    if how == "few":
        return few(model, matching(model, search, "index", among, _backend), among)
    if search.prefix_only:
        return starts_with(model, search)
    own = own_text(model, search, how)
    if not search.related:
        return own
    if how == "like" or ((among or how == "index") and not backend().trigram_table):
        return or_(own, through_related(model, search))
    if how == "index":
        return model.id.in_(listed(model, search))
    # PostgreSQL made a bare IN a join looping over "mario"'s 5,649 ids per row walked (1.6 s): COALESCE keeps a test
    walked = (model.id + 0).in_(listed(model, search))
    return func.coalesce(walked, false()) if backend().name == "postgresql" else walked


def counted_either_way(model, term, conditions, among: Among, cap: int, key: list) -> CTE:
    """A search's matches among the rows among_few's condition picks, as counted() gives them, found the way their
    kept count suits (a LIMIT of 0 reads nothing): up to the cap each checked, beyond it the search's matches each
    looked up among them (each). At 1,000,000 students, SQLite: "kim" in a course of 30 20 -> 4.2 ms a page."""
    rows = select(model.id, *key).where(*conditions, matches(model, term, "like", tuple(conditions)))
    crowd = among_crowd(model, term, tuple(conditions), among, tuple(key), backend())
    crowded = among.kept > cap
    either = union_all(rows.limit(case((crowded, 0), else_=cap + 1)).subquery().select(),
                       crowd.limit(case((crowded, cap + 1), else_=0)).subquery().select())
    return either.cte("counted")


@lru_cache(maxsize=256)
def among_crowd(model, term: Search, conditions: tuple, among: Among, key: tuple, _backend) -> Select:
    """The ids of a search's matches among the many rows among_few's condition picks (a course a grade takes; with
    `key`, each one's sort key beside it). Where that condition is the only one and the indexes list the matches,
    each id they list is looked up among those rows as it is (its enrollment), its row never read: "mar" in a
    grade's course, 62,315 ids listed, the page 129-189 -> 66-67 ms (1,000,000 students, SQLite). Else each match's row
    is checked: on PostgreSQL, whose trigram index only suggests rows, so listed "mar" took 310-323 ms, not 226-235."""
    alone = len(conditions) == 1 and not key and among.each_of is not None and _backend.trigram_table
    ids = listed(model, term) if alone else None
    if ids is not None:
        found = ids.subquery()
        return select(found.c[0]).where(among.each_of(found.c[0]))
    each = tuple(among.each if getattr(condition, "among", None) is among else condition for condition in conditions)
    return select(model.id, *key).where(*each, matches(model, term, "index", each))


def through_related(model, search: Search) -> ColumnElement:
    """Rows a related row named by a word holds, with every other word in their own text or a related row."""
    leads = [also.condition(keys) for named in search.related.values() for also, keys, _ in named]
    each_word = [  # the related rows first: a row they hold is not read (SQLite seeks a row only when it must)
        or_(*(also.condition(keys) for also, keys, _ in search.related.get(word, ())), own_word(model, word))
        for word in search.words
        if set(search.related) != {word}  # the only word naming related rows: the leads are its condition
    ]
    return and_(or_(*leads), *each_word)


def listed(model, search: Search, *key: ColumnElement) -> Select | None:
    """The ids of the rows matching `search`, found through indexes alone, when they can be: each side through its
    own index, then one id list (an OR of the two would make the database read every row). The trigram index lists
    its side's ids itself: selected from the table, each would be looked up there first. With `key`, each id's sort
    key beside it (a count that lists a page's ids, counts.keyed)."""
    if search.prefix_only or not (search.related or own_index_lists(search)):
        return None
    own = (index_matches(model, search) if own_index_lists(search)
           else select(model.id, *key).where(own_text(model, search, "index")))
    return union(own, select(model.id, *key).where(through_related(model, search))) if search.related else own


def related_at_least(search: Search) -> list[tuple[ColumnElement, ColumnElement]]:
    """How many rows the related rows of a one-word search lead to at the least, from the kept counts, each beside
    the condition that picks those rows: it matches at least as many ("Roberts": 12,769 advisees of three Robertses),
    so past the count cap neither its own matches nor the union need be counted. Several words narrow each other:
    nothing to tell."""
    if len(search.words) != 1:
        return []
    return [(also.leads_at_least(keys), also.condition(keys)) for named in search.related.values()
            for also, keys, _ in named if also.leads_at_least is not None]


def how_to_fetch(total: int, exact: bool, index_alone: bool = False) -> str:
    """How a page of a search is fetched, by how many rows match. Few: fetch them all from the search index and
    sort them. More: walk the sort order's index checking each row's text; a related row's through the ids the
    indexes list, when they are counted ("walk"), else as the text's check does ("like": more than the count cap, or
    the walked index carries what that check reads, `index_alone`)."""
    if total <= current_app.config["LIST_INDEX_THEN_SORT"]:
        return "few"
    return "walk" if exact and not index_alone else "like"


def walk_reads_index_alone(model, search: Search, column) -> bool:
    """Whether a walk of `column`'s index on SQLite can check a search naming related rows on each index entry alone:
    the index carries the text and every column of the row the related rows' condition reads (schema_extras.COVERING:
    the name's carries the advisor). Then the ids both sides list need not be gathered again for the walk: "mario"
    by name at 1,000,000 students, its page statement 5.4 -> 0.7 ms."""
    return index_alone(model, search, column.key, backend())


@lru_cache(maxsize=256)
def index_alone(model, search: Search, key: str, _backend) -> bool:
    """walk_reads_index_alone(), worked out once for a search and an index: it builds the related rows' condition."""
    carried = COVERING.get(model.__tablename__, {}).get(key, ()) if _backend.trigram_table else ()
    if "search_text" not in carried:
        return False
    if not search.related:
        return True
    read = {e.key for e in iterate(through_related(model, search)) if getattr(e, "table", None) is model.__table__}
    return read <= {"id", key, *carried}


def few(model, condition: ColumnElement, among: tuple = ()) -> ColumnElement:
    """The rows `condition` picks among those `among` picks, known to be few (up to LIST_INDEX_THEN_SORT): among_few."""
    return condition if backend().name != "postgresql" else among_few(model, select(model.id).where(*among, condition))
