"""Deleting many rows in one statement, with what the triggers keep (row counts, related counts, sort marks)
adjusted once for the statement instead of once for each row.

SQLite's triggers run per row: deleting 50,000 students ran seven per student (the row count, the advisor's count,
five sort marks) and one per enrollment. While `bulk_delete` holds a row (in the deleting transaction only), those
delete triggers stand aside and the statements here adjust the same figures from the rows about to go, by a grouped
count each. PostgreSQL's triggers run per statement already, and MariaDB keeps no marks: there it is a plain DELETE.
"""

from sqlalchemy import Table, column, delete, func, literal_column, select, table, update

from database import kept_counts, schema_extras, sort_marks
from database.backend import backend

bulk_delete = table("bulk_delete", column("on_table"))
related_counts = table("related_counts", column("relation"), column("row_id"), column("row_count"))


def delete_rows(session, target: Table, where) -> int:
    """DELETE FROM target WHERE where, in the caller's transaction. How many rows went."""
    statement = delete(target).where(where)
    if backend().name != "sqlite":
        return session.execute(statement, execution_options={"synchronize_session": False}).rowcount
    session.execute(bulk_delete.insert().values(on_table=target.name))
    for adjustment in adjustments(target, where):
        session.execute(adjustment)
    deleted = session.execute(statement, execution_options={"synchronize_session": False}).rowcount
    session.execute(bulk_delete.delete())
    return deleted


def adjustments(target: Table, where):
    """UPDATEs that take the rows `where` selects off what the delete triggers would have counted them out of."""
    t = target.name
    if t in schema_extras.LISTED:
        going = select(func.count()).select_from(target).where(where).scalar_subquery()
        counts = schema_extras.row_counts
        yield update(counts).where(counts.c.table_name == t).values(row_count=counts.c.row_count - going)
    for relation, (referring, key) in kept_counts.RELATIONS.items():
        if referring == t:
            going = (select(target.c[key].label("row_id"), func.count().label("n")).where(where, target.c[key].is_not(None))
                     .group_by(target.c[key]).subquery())
            yield (update(related_counts).where(related_counts.c.relation == relation,
                                                related_counts.c.row_id == going.c.row_id)
                   .values(row_count=related_counts.c.row_count - going.c.n))
    for c in sort_marks.MARKED.get(t, ()):
        m = sort_marks.marks_table(t, c)
        marks = table(m, column("position"), column("row_count"))
        at = literal_column(sort_marks.locate(m, t, c)).label("at")
        going = select(at, func.count().label("n")).select_from(target).where(where).group_by(literal_column("at"))
        going = going.subquery()
        yield update(marks).where(marks.c.position == going.c.at).values(row_count=marks.c.row_count - going.c.n)
