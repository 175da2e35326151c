"""Which rows a page by number shows: from a nearby page's cursor, from the sort mark before it (an unfiltered list
typed far in: database/sort_marks.py), or from the nearer end of the list (listing.keyset reads them)."""

from sqlalchemy import text

from database.backend import backend
from database.sort_marks import MARKED, marks_table
from listing.keyset import DEFERRED_FROM, Cursor, Order
from listing.rows import Shown
from models import ID_MAX, db

# The marks near a row's estimated place are summed in one window, a narrow one first (evenly spaced marks place it
# exactly: 16 marks cost 0.14 ms at 1,000,000 students, 64 cost 0.21), then a wider one; beyond that (marks that
# drifted far from even spacing), all of them.
NEAR_MARKS = (16, 64)
MARK_AT = """
WITH sums AS (SELECT count(*) AS marks, coalesce(sum(row_count), 0) AS total,
                     coalesce(sum(CASE WHEN key_empty = 0 THEN row_count ELSE 0 END), 0) AS valued FROM {m}),
target AS (SELECT total, valued, marks, CASE WHEN :ascending THEN :offset WHEN :offset < valued
                  THEN valued - 1 - :offset ELSE total + valued - 1 - :offset END AS at FROM sums),
estimate AS (SELECT at, total, valued, CASE WHEN total = 0 OR at * marks / total < :around THEN 0
                    ELSE at * marks / total - :around END AS low FROM target),
near AS MATERIALIZED (SELECT estimate.*, (SELECT coalesce(sum(row_count), 0) FROM {m} WHERE position < low) AS prefix
                      FROM estimate),
windowed AS (
  SELECT position, key_empty, key_value, key_id, row_count,
         near.prefix + sum(row_count) OVER (ORDER BY position) - row_count AS before,
         lead(key_empty) OVER (ORDER BY position) AS next_empty, lead(key_value) OVER (ORDER BY position) AS next_value,
         lead(key_id) OVER (ORDER BY position) AS next_id, near.low AS low
  FROM {m}, near WHERE position >= near.low AND position <= near.low + :span)
SELECT near.at, near.total, w.position, w.key_empty, w.key_value, w.key_id, w.row_count, w.before, w.next_empty,
       w.next_value, w.next_id
FROM near LEFT JOIN windowed w ON w.before <= near.at AND near.at < w.before + w.row_count
                                AND w.position < w.low + :span
"""


def marked(order: Order, offset: int, total: int | None) -> tuple[Cursor | None, int] | None:
    """Where a read `offset` rows into the whole list of `total` rows starts: the cursor just before the row that
    begins the mark's rows it falls in (None: the list's start), and how many rows to skip from there. None where
    the column has no marks, or they do not add up to the total."""
    t, c = order.model.__tablename__, order.column.key
    if c not in MARKED.get(t, ()) or backend().name not in ("sqlite", "postgresql"):
        return None
    query = text(MARK_AT.format(m=marks_table(t, c))).columns(key_value=order.column.type,
                                                               next_value=order.column.type)
    for around, span in [(near // 2, near) for near in NEAR_MARKS] + [(ID_MAX, ID_MAX)]:
        found = db.session.execute(query, {"ascending": order.ascending, "offset": offset, "around": around,
                                           "span": span}).one()
        at, marks_total, position, empty, value, id, count, before, next_empty, next_value, next_id = found
        if marks_total != total:
            return None
        if position is not None:
            break
    else:
        return None
    if order.ascending:
        if empty == 0 and id == 0:  # the mark before every row with a value
            return None, at - before
        return Cursor(0, id - 1, None if empty else value), at - before
    # Descending, the mark's rows are read down from its last one: from just before the next mark.
    if empty == 0:
        return (Cursor(0, next_id, next_value) if next_empty == 0 else None), before + count - 1 - at
    return Cursor(0, next_id, None), before + count - 1 - at


def fetch(order: Order, conditions, shown: Shown, number: int, per_page: int, total: int | None, cursor: Cursor | None,
          parameters: dict | None = None):
    """Page `number`'s rows, and whether a next page exists. `total` is the exact row count, or None if unknown (more
    than a list counts meet the conditions: they are walked); `parameters`, those of the conditions."""
    if total == 0:  # counted to none: looking for them again would cost a search as much as its count did
        return [], False
    walked = total is None and bool(conditions)
    fetch_rows = lambda forward, after, offset, limit: order.rows(conditions, shown, forward, after, offset, limit,
                                                                   parameters, walked)
    offset = (number - 1) * per_page
    start = marked(order, offset, total) if not cursor and not conditions and offset >= DEFERRED_FROM else None
    if start:
        rows = fetch_rows(True, *start, per_page + 1)
        return rows[:per_page], len(rows) > per_page
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
