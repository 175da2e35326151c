"""The machinery behind every list page: search, filter, sort and paginate, all from the query string."""

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from flask import current_app, request, url_for
from sqlalchemy import ColumnElement, Select, func, select

from wtforms import Form, IntegerField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from keyset import Cursor, Order, fetch
from validators import no_control_characters, strip
from models import ID_MAX, db, fold
from database.backend import backend
from database.schema_extras import row_counts, search_table

# Counting the matches of a search or filter stops here: "more than 10,000" is true and costs no more at 1M rows.
# Both can be changed in the app's config (LIST_COUNT_CAP, LIST_INDEX_THEN_SORT), so tests reach every path.
COUNT_CAP = 10_000
INDEX_THEN_SORT = 1_000  # a search matching up to this many rows fetches them all, then sorts


class ListArgs(Form):
    """A list page's query string. Values that do not validate are ignored, never an error page."""

    q = SearchField("Search", filters=[strip], validators=[Optional(), Length(max=200), no_control_characters])
    sort = StringField(validators=[Optional(), Length(max=40)])
    per_page = SelectField("Rows per page", choices=[SelectChoice(n, str(n)) for n in (10, 25, 50, 100)], coerce=int, default=25)
    page = IntegerField(default=1, validators=[NumberRange(min=1, max=10**9)])

    def __init__(self, formdata):
        super().__init__(formdata)
        self.validate()

    def value(self, name):
        field = self[name]
        if field.errors or field.data in ("", None):
            return field.default
        return field.data

    def params(self) -> dict:
        """The arguments that differ from their defaults."""
        return {name: self.value(name) for name in self._fields if self.value(name) != self[name].default}


class RowIdField(IntegerField):
    """A filter by a related row's id (?advisor=12): ignored, like any value that does not validate, when no row
    could have it."""

    def __init__(self, label, **kwargs):
        super().__init__(label, validators=[Optional(), NumberRange(1, ID_MAX)], **kwargs)


@dataclass(frozen=True)
class Listing:
    """What a list page may do, declared as data by each resource."""

    model: type  # a Record: has id and search_text
    sorts: dict[str, ColumnElement]  # sortable columns by their query-string name
    default_sort: str
    filters: dict[str, Callable] = field(default_factory=dict)  # arg name -> value -> condition
    relations: dict[str, tuple] = field(default_factory=dict)  # filters by a related row: arg name -> (model, its label)
    options: tuple = ()  # loader options for what the rows show, e.g. joinedload(Student.advisor)
    where: tuple = ()  # conditions every row meets

    def narrowing(self, args: ListArgs) -> tuple[list, str]:
        """The conditions of `where` and the filters in use, and the folded search term."""
        conditions = list(self.where)
        for name, condition in self.filters.items():
            value = args.value(name)
            if value is not None:
                conditions.append(condition(value))
        return conditions, fold(args.value("q") or "").strip()

    def total(self, args: ListArgs) -> ColumnElement:
        """How many rows `args` leave, counted no further than the cap: a column for a caller's own statement."""
        conditions, term = self.narrowing(args)
        if term and not conditions and indexed_search(term):  # the search index alone counts quicker
            return capped_count(index_matches(self.model, term))
        if term:
            conditions.append(search(self.model, term, "index"))
        return capped_count(select(self.model.id).where(*conditions)) if conditions else counted_rows(self.model)

    def page(self, args: ListArgs, total: int | None = None) -> "Page":
        """Two statements: the total with the filters' labels, then the rows. A caller that loads a row anyway (a
        course, for its students) can count in that statement with total(args), and pass the result here; only for
        a listing without relations, whose labels would need a statement again."""
        conditions, term = self.narrowing(args)
        narrowed = conditions or term
        chosen = {name: args.value(name) for name in self.relations if args.value(name) is not None}
        labels = [
            select(label).where(model.id == chosen[name]).scalar_subquery()
            for name, (model, label) in self.relations.items() if name in chosen
        ]
        shown = []
        if total is None:
            total, *shown = db.session.execute(select(self.total(args).label("total"), *labels)).one()
        cap = current_app.config.get("LIST_COUNT_CAP", COUNT_CAP)
        exact = not narrowed or total <= cap
        if term:
            # Few matches: fetch them all from the search index and sort them. More: walk the sort order's index,
            # keeping the rows the search index lists. More than the cap: walk it checking each row's text.
            few = current_app.config.get("LIST_INDEX_THEN_SORT", INDEX_THEN_SORT)
            how = "index" if total <= few else "walk" if exact else "like"
            conditions.append(search(self.model, term, how))

        sort = args.value("sort") or ""
        if sort.lstrip("-") not in self.sorts:
            sort = self.default_sort
        order = Order(self.model, self.sorts[sort.lstrip("-")], ascending=not sort.startswith("-"))
        per_page = args.value("per_page")
        pages = max(1, ceil(total / per_page)) if exact else None
        number = min(args.value("page"), pages or 10**9)
        cursor = Cursor.parse(request.args.get("cursor"))
        cursor = cursor if cursor and order.accepts(cursor) else None
        items, has_next = fetch(order, conditions, self.options, number, per_page, total if exact else None, cursor)
        chips = [Chip(name, args[name].label.text, label, chosen[name]) for name, label in zip(chosen, shown)]
        edges = (order.cursor(number, items[0]).token(), order.cursor(number, items[-1]).token()) if items else (None, None)
        return Page(items, total if exact else cap, number, per_page, pages, sort, args, chips,
                    exact=exact, has_next=has_next, edges=edges)


def counted_rows(model) -> ColumnElement:
    """The exact number of rows, kept by triggers (schema_extras): no count over a million rows. Where no count is
    kept (a table made outside migrations and create_all) it counts; COALESCE only runs that when it must."""
    kept = select(row_counts.c.row_count).where(row_counts.c.table_name == model.__tablename__).scalar_subquery()
    return func.coalesce(kept, select(func.count()).select_from(model).scalar_subquery())


def capped_count(rows: Select) -> ColumnElement:
    """How many rows a query finds, counting no further than one past the cap."""
    cap = current_app.config.get("LIST_COUNT_CAP", COUNT_CAP)
    return select(func.count()).select_from(rows.limit(cap + 1).subquery()).scalar_subquery()


def index_matches(model, term: str) -> Select:
    """The ids of the rows whose search_text contains `term`, from SQLite's FTS5 trigram index."""
    index = search_table(model.__tablename__)
    return select(index.c.rowid).where(index.c.search_text.match('"' + term.replace('"', '""') + '"'))


def indexed_search(term: str) -> bool:
    """Whether a search for `term` can use SQLite's FTS5 trigram index: three characters or more."""
    return len(term) >= 3 and backend().trigram_table


def search(model, term: str, how: str) -> ColumnElement:
    """Rows whose search_text contains `term`. On SQLite with a term of 3 characters or more, "index" and "walk" ask
    the FTS5 trigram index ("walk" so that SQLite cannot use the id to drive the query, and walks the sort order's
    index instead). Otherwise a LIKE pattern, which PostgreSQL's pg_trgm index serves itself."""
    if how != "like" and indexed_search(term):
        return (model.id if how == "index" else model.id + 0).in_(index_matches(model, term))
    return model.search_text.contains(term, autoescape=True)


@dataclass(frozen=True)
class Chip:
    """A filter by a related row, shown as "Advisor: Jane Doe ×"."""

    name: str  # the query-string argument
    label: str
    shown: str | None  # how the row reads ("Jane Doe"); None when it has been deleted
    id: int


@dataclass(frozen=True)
class Page:
    items: list
    total: int  # exact, or the count cap when there are more
    number: int
    per_page: int
    pages: int | None  # None when the total is not exact
    sort: str
    args: ListArgs
    chips: list[Chip] = field(default_factory=list)
    exact: bool = True
    has_next: bool = False
    edges: tuple = (None, None)  # cursors of the first and last rows, for links to nearby pages

    def url(self, **changes) -> str:
        """This list's URL with some arguments changed; defaults are left out to keep it short."""
        params = {**self.args.params(), **changes}
        params = {name: value for name, value in params.items() if value not in (None, "")}
        if params.get("page") == 1:
            del params["page"]
        return url_for(request.endpoint, **request.view_args, **params)

    def page_url(self, number: int) -> str:
        """A link to another page; a nearby one carries a cursor so the database seeks instead of skipping rows."""
        if number in (1, self.number, self.pages):
            return self.url(page=number)
        return self.url(page=number, cursor=self.edges[1] if number > self.number else self.edges[0])

    def without(self, name: str) -> str:
        """This list's URL without one filter."""
        return self.url(**{name: None, "page": None})

    def sort_url(self, key: str) -> str:
        """Sorts by `key`; when already sorted by it, reverses."""
        return self.url(sort=f"-{key}" if self.sort == key else key, page=None)

    def sort_direction(self, key: str) -> str | None:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return None

    @property
    def narrowed(self) -> set[str]:
        """The search and filter arguments in use."""
        return set(self.args.params()) - {"sort", "per_page", "page"}

    @property
    def first_row(self) -> int:
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.items) - 1 if self.items else 0

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers to link: the first, the last and a few around this one; None marks a gap."""
        last = self.pages or self.number + self.has_next
        shown = sorted({1, last, *range(self.number - around, self.number + around + 1)})
        numbers: list[int | None] = []
        for number in (n for n in shown if 1 <= n <= last):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers
