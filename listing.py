"""The machinery behind every list page: search, filter, sort and paginate, all from the query string."""

from collections.abc import Callable
from dataclasses import dataclass, field
from math import ceil

from flask import request, url_for
from sqlalchemy import ColumnElement, asc, desc, func, select

from wtforms import Form, IntegerField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from validators import no_control_characters, strip
from models import db, fold


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


@dataclass(frozen=True)
class Listing:
    """What a list page may do, declared as data by each resource."""

    model: type  # a Record: has id and search_text
    sorts: dict[str, ColumnElement]  # sortable columns by their query-string name
    default_sort: str
    filters: dict[str, Callable] = field(default_factory=dict)  # arg name -> value -> condition
    relations: dict[str, type] = field(default_factory=dict)  # filters by a related row: arg name -> its model
    options: tuple = ()  # loader options for what the rows show, e.g. joinedload(Student.advisor)
    where: tuple = ()  # conditions every row meets

    def page(self, args: ListArgs) -> "Page":
        conditions = list(self.where)
        term = fold(args.value("q") or "").strip()
        if term:
            conditions.append(self.model.search_text.contains(term, autoescape=True))
        for name, condition in self.filters.items():
            value = args.value(name)
            if value is not None:
                conditions.append(condition(value))
        total = db.session.scalar(select(func.count()).select_from(self.model).where(*conditions))
        query = select(self.model).options(*self.options).where(*conditions)

        sort = args.value("sort") or ""
        if sort.lstrip("-") not in self.sorts:
            sort = self.default_sort
        direction = desc if sort.startswith("-") else asc
        query = query.order_by(*empty_last(self.sorts[sort.lstrip("-")], direction), direction(self.model.id))

        per_page = args.value("per_page")
        pages = max(1, ceil(total / per_page))
        number = min(args.value("page"), pages)
        items = db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)).all()
        chips = [
            Chip(name, args[name].label.text, db.session.get(model, args.value(name)), args.value(name))
            for name, model in self.relations.items()
            if args.value(name) is not None
        ]
        return Page(items, total, number, per_page, pages, sort, args, chips)


@dataclass(frozen=True)
class Chip:
    """A filter by a related row, shown as "Advisor: Jane Doe ×"."""

    name: str  # the query-string argument
    label: str
    record: object | None  # None when that row has been deleted
    id: int


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
    chips: list[Chip] = field(default_factory=list)

    def url(self, **changes) -> str:
        """This list's URL with some arguments changed; defaults are left out to keep it short."""
        params = {**self.args.params(), **changes}
        params = {name: value for name, value in params.items() if value not in (None, "")}
        if params.get("page") == 1:
            del params["page"]
        return url_for(request.endpoint, **request.view_args, **params)

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
        shown = sorted({1, self.pages, *range(self.number - around, self.number + around + 1)})
        numbers: list[int | None] = []
        for number in (n for n in shown if 1 <= n <= self.pages):
            if numbers and number - numbers[-1] > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers
