"""Fetching one page of a sorted list at any depth for the cost of the first: keyset pagination.

A link to a nearby page carries a cursor, the sort key of the edge row of the page it was made on
("after" the last row, "before" the first), so the database seeks in an index instead of skipping rows with OFFSET.
Pages without a cursor are read from the nearer end when the total is exact, so the last page is cheap too.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, asc, desc, literal, select, true, union_all

from models import ID_MAX, db

# How a sort value travels in a cursor: a one-letter tag, then the value as text.
DECODERS = {"s": str, "i": int, "n": Decimal, "d": date.fromisoformat, "t": datetime.fromisoformat}
TAGS = {str: "s", int: "i", Decimal: "n", date: "d", datetime: "t"}


@dataclass(frozen=True)
class Cursor:
    page: int  # the page the cursor was made on
    id: int
    value: object  # the row's sort value; None when empty

    def token(self) -> str:
        value = "-" if self.value is None else TAGS[type(self.value)] + str(self.value)
        return f"{self.page}.{self.id}.{value}"

    @classmethod
    def parse(cls, token: str | None) -> "Cursor | None":
        """The cursor in a link, or None when there is none or it was tampered with: then the page uses OFFSET."""
        try:
            page, id, value = token.split(".", 2)
            cursor = cls(int(page), int(id), None if value == "-" else DECODERS[value[0]](value[1:]))
        except (AttributeError, ValueError, KeyError, ArithmeticError):
            return None
        return cursor if 0 < cursor.id <= ID_MAX and storable(cursor.value) else None


def storable(value) -> bool:
    """Whether every backend can compare a column with `value`, which a tampered cursor may have made up."""
    if isinstance(value, int):
        return abs(value) <= ID_MAX
    if isinstance(value, Decimal):
        # stored as hundredths; copy_abs, unlike abs(), does not round, which overflows past 1e999999
        return value.is_finite() and value.copy_abs() <= ID_MAX // 100
    return "\x00" not in value if isinstance(value, str) else True


@dataclass(frozen=True)
class Order:
    """A list's order: `column` in one direction, empty values last, ties broken by id in the same direction."""

    model: type
    column: ColumnElement
    ascending: bool

    @property
    def nullable(self) -> bool:
        return getattr(self.column.expression, "nullable", True)

    def cursor(self, page: int, row) -> Cursor:
        return Cursor(page, row.id, getattr(row, self.column.key))

    def accepts(self, cursor: Cursor) -> bool:
        """Whether the cursor holds a value of this column's kind (it may come from another sort, or be made up)."""
        return cursor.value is None or type(cursor.value) is self.column.type.python_type

    def sorted(self, query: Select) -> Select:
        """`query` in this order: for reading every row at once, where no index range is needed."""
        direction = asc if self.ascending else desc
        if self.nullable:
            query = query.order_by(self.column.is_(None))
        return query.order_by(direction(self.column), direction(self.model.id))

    def rows(self, conditions, options, forward: bool, after: Cursor | None, offset: int, limit: int) -> list:
        """`limit` rows after skipping `offset`, read forward (the list's order) or backward, past `after`."""
        up = self.ascending == forward
        direction = asc if up else desc
        query = select(self.model).options(*options)
        runs = self.runs(forward, up, after)
        if len(runs) == 1:
            query = query.where(*conditions, runs[0]).order_by(direction(self.column), direction(self.model.id))
            return db.session.scalars(query.offset(offset).limit(limit)).all()
        # Each run is one index range read in index order; the page is taken from the runs in turn. One range
        # "(column, id) > (value, id)" would make SQLite read every row sharing the value before the cursor.
        picked = union_all(*(
            select(self.model.id.label("id"), literal(number).label("run"), self.column.label("key"))
            .where(*conditions, run).order_by(direction(self.column), direction(self.model.id))
            .limit(offset + limit).subquery().select()
            for number, run in enumerate(runs)
        )).subquery()
        query = query.join(picked, picked.c.id == self.model.id)
        query = query.order_by(picked.c.run, direction(picked.c.key), direction(picked.c.id))
        return db.session.scalars(query.offset(offset).limit(limit)).all()

    def runs(self, forward: bool, up: bool, after: Cursor | None) -> list[ColumnElement]:
        """The index ranges that follow `after`, in order. Empty values come last (forward) or first (backward):
        no index sorts by "is empty", so they are a range of their own."""
        column, id = self.column, self.model.id
        beyond = (lambda left, right: left > right) if up else (lambda left, right: left < right)
        if after is None:
            if not self.nullable:
                return [true()]
            return [column.is_not(None), column.is_(None)] if forward else [column.is_(None), column.is_not(None)]
        if after.value is None:
            same = and_(column.is_(None), beyond(id, after.id))
            return [same] if forward else [same, column.is_not(None)]
        value = literal(after.value, column.type)
        runs = [and_(column == value, beyond(id, after.id)), beyond(column, value)]
        return runs + [column.is_(None)] if self.nullable and forward else runs


def fetch(order: Order, conditions, options, number: int, per_page: int, total: int | None, cursor: Cursor | None):
    """Page `number`'s rows, and whether a next page exists. `total` is the exact row count, or None if unknown."""
    fetch_rows = lambda forward, after, offset, limit: order.rows(conditions, options, forward, after, offset, limit)
    if cursor and cursor.page < number and cursor.page > 0:  # an "after" cursor from an earlier page
        rows = fetch_rows(True, cursor, (number - cursor.page - 1) * per_page, per_page + 1)
        return rows[:per_page], len(rows) > per_page
    if cursor and cursor.page > number:  # a "before" cursor from a later page
        return fetch_rows(False, cursor, (cursor.page - number - 1) * per_page, per_page)[::-1], True
    if total is not None and number > 1 and number * 2 > -(-total // per_page):
        end = min(number * per_page, total)  # the nearer end is the last one
        return fetch_rows(False, None, total - end, end - (number - 1) * per_page)[::-1], end < total
    rows = fetch_rows(True, None, (number - 1) * per_page, per_page + 1)
    return rows[:per_page], len(rows) > per_page
