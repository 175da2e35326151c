"""The machinery behind every list page: search, filter, sort and paginate, all from the query string."""

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from flask import request, url_for
from sqlalchemy import ColumnElement, Select, asc, desc, func, select

from forms import ListArgs
from models import db, fold


@dataclass(frozen=True)
class Listing:
    """What a list page may do, declared as data by each resource."""

    query: Select  # the rows to list, e.g. db.select(Student)
    id_column: ColumnElement  # breaks ties, so paging is stable
    sorts: dict[str, ColumnElement]  # sortable columns by their query-string name
    default_sort: str
    search: ColumnElement  # the folded search_text column
    filters: dict[str, Callable] = field(default_factory=dict)  # arg name -> value -> condition

    def page(self, args: ListArgs) -> "Page":
        query = self.query
        term = fold(args.value("q") or "").strip()
        if term:
            query = query.where(self.search.contains(term, autoescape=True))
        for name, condition in self.filters.items():
            value = args.value(name)
            if value is not None:
                query = query.where(condition(value))

        sort = args.value("sort") or ""
        if sort.lstrip("-") not in self.sorts:
            sort = self.default_sort
        direction = desc if sort.startswith("-") else asc
        query = query.order_by(*empty_last(self.sorts[sort.lstrip("-")], direction), direction(self.id_column))

        total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        per_page = args.value("per_page")
        pages = max(1, ceil(total / per_page))
        number = min(args.value("page"), pages)
        items = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
        return Page(items, total, number, per_page, pages, sort, args)


def empty_last(column: ColumnElement, direction: Callable) -> list[ColumnElement]:
    """Sorts by `column` with empty values last either way, on every backend (SQLite and MariaDB put NULL first
    when ascending, PostgreSQL last). Columns that cannot be empty sort plainly, so their indexes still serve."""
    if getattr(column.expression, "nullable", True):
        return [column.is_(None), direction(column)]
    return [direction(column)]


@dataclass(frozen=True)
class Page:
    items: list
    total: int
    number: int
    per_page: int
    pages: int
    sort: str
    args: ListArgs

    def url(self, **changes) -> str:
        """This list's URL with some arguments changed; defaults are left out to keep it short."""
        params = {**self.args.params(), **changes}
        params = {name: value for name, value in params.items() if value not in (None, "")}
        if params.get("page") == 1:
            del params["page"]
        return url_for(request.endpoint, **params)

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
        shown = sorted({1, self.pages, *range(self.number - around, self.number + around + 1)})
        numbers: list[int | None] = []
        for number in (n for n in shown if 1 <= n <= self.pages):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers
