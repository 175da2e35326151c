"""One page of a list, as its template shows it: the rows, the totals, the links to other pages and sorts, and where
a searched row matched."""

from dataclasses import dataclass, field

from flask import request, url_for

from listing.args import ListArgs
from listing.search import Search
from models import fold


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
        return self.args.narrowed

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


def explain(search: Search, model, row) -> str | None:
    """Where a row matched, when it is not its name: "Advisor: Lisa Padilla", "Email"."""
    first, *others = model.search_fields
    name = fold(getattr(row, first) or "")
    found = []
    for word in search.words:
        if word in name:
            continue
        if where := next((f for f in others if word in fold(getattr(row, f) or "")), None):
            found.append(where.capitalize())
            continue
        for also, keys, labels in search.related.get(word, ()):
            if also.holds is None or also.holds(row, keys):
                held = [label for key, label in zip(keys, labels) if also.holds is None or also.holds(row, [key])]
                found.append(f"{also.label}: {', '.join(map(str, held[:3]))}")
                break
    return " · ".join(dict.fromkeys(found)) or None
