"""A list's columns: what each row shows in one, where its cell links, what it sorts by, and which of them a list
shows (its URL's choice, else its user's)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import attrgetter

from flask import g, url_for
from markupsafe import escape
from sqlalchemy import ColumnElement

from formatting import address, cell


@dataclass(frozen=True)
class Column:
    """A column of a list: its header, what each row shows in it, and what it sorts by, if it sorts."""

    name: str  # its sort key in the query string (?sort=enrolled)
    label: str
    value: Callable[[object], object]  # the row's value: the list shows it, an export writes it
    sort: ColumnElement | None = None  # needs an index on (column, id): keyset pages seek in it
    link: Callable[[object], str | None] | None = None  # where the cell links, if anywhere
    numeric: bool = False
    badge: Callable[[object], str | None] | None = None  # a word after the value ("inactive")

    def td(self, row) -> str:
        """The row's cell, as HTML: its value, linked where the column links, then its badge."""
        value = self.value(row)
        if value is None:
            html = '<span class="muted">—</span>'
        else:
            html = address(value) if isinstance(value, str) and "@" in value else escape(cell(value))
            if self.link and (url := self.link(row)):
                html = f'<a href="{escape(url)}">{html}</a>'
            if self.badge and (badge := self.badge(row)):
                html = f'{html} <span class="badge">{escape(badge)}</span>'
        # data-label names the cell where a phone shows each row as a card (static/style.css); a date is not
        # broken over two lines ("12 Dec / 2023", in a printed class list's narrow column)
        label = escape(self.label)
        kind = ' class="num"' if self.numeric else ' class="date"' if isinstance(value, date) else ""
        return f'<td{kind} data-label="{label}">{html}</td>'


def shown(attribute, label: str, name: str | None = None, sortable: bool = True, sort=None, **kwargs) -> Column:
    """A column showing one of the row's own attributes, sorted by it (or by `sort`, its folded sort key) unless
    told otherwise."""
    sort = (sort or attribute) if sortable else None
    return Column(name or attribute.key, label, attrgetter(attribute.key), sort, **kwargs)


ANY_ID = 2_147_483_647  # an id no URL holds otherwise


def row_url(endpoint: str, id: int, argument: str = "id") -> str:
    """url_for(endpoint, **{argument: id}), its route built once per request: a list page links about 50 cells, and
    url_for took 3 µs each (5% of the page)."""
    built = g.setdefault("row_urls", {})
    if (endpoint, argument) not in built:
        built[endpoint, argument] = url_for(endpoint, **{argument: ANY_ID}).split(str(ANY_ID))
    head, tail = built[endpoint, argument]
    return f"{head}{id}{tail}"


def link_to(endpoint: str) -> Callable:
    """A link to the row's page."""
    return lambda row: row_url(endpoint, row.id)


def link_to_user(key: str) -> Callable:
    """A link to the page of the user the row's `key` names (its advisor_id), when it names one."""
    return lambda row: row_url("users.detail", getattr(row, key)) if getattr(row, key) else None


def filtered_by_row(endpoint: str, argument: str, count: str) -> Callable:
    """A link to a list filtered by the row (?advisor=12), when the row's `count` is not 0."""
    return lambda row: row_url(endpoint, row.id, argument) if getattr(row, count) else None


def shown_columns(resource, args, preferences) -> tuple[Column, ...]:
    """The columns a list shows: those its URL names (?columns=, as a saved view has them), else those its user
    chose, else all of them; the first, which names each row, always."""
    names = {column.name for column in resource.columns}
    chosen = args.value("columns") or (preferences.columns_of(resource.name) if preferences else None) or []
    chosen = {name for name in chosen if name in names}
    if not chosen:
        return resource.columns
    return tuple(column for n, column in enumerate(resource.columns) if n == 0 or column.name in chosen)
