"""Marks along each sort order, so a page typed by number starts near its first row instead of skipping to it.

For each sorted column, `{table}_{column}_marks` holds the key (value, id) of about every √n-th row in the list's
order (empty values last, by id) and how many rows lie from it to the next mark. The counts are kept exact by
triggers on every write (per row on SQLite; per statement on PostgreSQL), so summing the counts before a mark says
exactly where it is; listing/keyset.py seeks to the mark before a page and skips at most one mark's rows. Where the
marks are (position, first of its kind):

- position 0, empty 0, value NULL, id 0: before every row that has a value ("minus infinity");
- the first mark with empty 1, id 0: before every row without one.

Imports nothing of ours, so migrations can run it (through schema_extras). MariaDB has none: pages there skip rows.
"""

from math import isqrt

from sqlalchemy import inspect

from database.kept_counts import BULK_TABLE, UNLESS_BULK

# The sorted columns of the lists that grow large (resources.py); each needs its (column, id) index.
MARKED = {"students": ("sort_name", "email", "grade", "gpa", "enrolled_on"), "courses": ("code", "sort_title", "credits")}


def marks_table(t: str, c: str) -> str:
    return f"{t}_{c}_marks"


def locate(m: str, row: str, c: str) -> str:
    """SQL for the position of the mark whose rows include `row` (new or old): the last mark of the row's value at or
    before its id, else the last of a lower value, each one seek of the marks' index. As one row comparison,
    `(key_value, key_id) <= (value, id)`, SQLite sought by the value alone and stepped back over the marks of the same
    value past the id: a grade has about 80 marks at 1,000,000 students (50,000 rows placed: 505 ms, 41 ms so)."""
    last = "ORDER BY key_empty DESC, key_value DESC, key_id DESC LIMIT 1"
    same = f"SELECT position FROM {m} WHERE key_empty = 0 AND key_value = {row}.{c} AND key_id <= {row}.id {last}"
    below = f"SELECT position FROM {m} WHERE key_empty = 0 AND key_value < {row}.{c} {last}"
    empty = f"SELECT position FROM {m} WHERE key_empty = 1 AND key_value IS NULL AND key_id <= {row}.id {last}"
    return f"CASE WHEN {row}.{c} IS NULL THEN ({empty}) ELSE COALESCE(({same}), ({below}), 0) END"


def build(t: str, c: str, connection, every: int | None = None) -> None:
    """The marks made again from the rows: `every` rows apart, by default about √n and at least 100."""
    m = marks_table(t, c)
    if every is None:
        every = max(100, isqrt(connection.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar()))
    connection.exec_driver_sql(f"DELETE FROM {m}")
    for empty, where, order in ((0, f"{c} IS NOT NULL", f"{c}, id"), (1, f"{c} IS NULL", "id")):
        first = connection.exec_driver_sql(f"SELECT coalesce(max(position) + 1, 0) FROM {m}").scalar()
        numbered = f"SELECT {c} AS v, id, row_number() OVER (ORDER BY {order}) - 1 AS r FROM {t} WHERE {where}"
        connection.exec_driver_sql(
            f"INSERT INTO {m} (position, key_empty, key_value, key_id, row_count) "
            f"SELECT {first} + r / {every}, {empty}, CASE WHEN r = 0 THEN NULL ELSE v END, "
            f"CASE WHEN r = 0 THEN 0 ELSE id END, {every} FROM ({numbered}) numbered WHERE r - r / {every} * {every} = 0")
        counted = connection.exec_driver_sql(f"SELECT count(*) FROM {t} WHERE {where}").scalar()
        last = connection.exec_driver_sql(f"SELECT max(position) FROM {m} WHERE key_empty = {empty}").scalar()
        if last is None:  # no rows of this kind: its first mark, counting none
            connection.exec_driver_sql(f"INSERT INTO {m} (position, key_empty, key_value, key_id, row_count) "
                                       f"VALUES ({first}, {empty}, NULL, 0, 0)")
        else:
            connection.exec_driver_sql(f"UPDATE {m} SET row_count = {counted - (last - first) * every} "
                                       f"WHERE position = {last}")


def create_table(t: str, c: str) -> list[str]:
    m = marks_table(t, c)
    # The key's column takes the sorted column's type: a copy of it, with no rows.
    return [f"CREATE TABLE IF NOT EXISTS {m} AS SELECT 0 AS position, 0 AS key_empty, {c} AS key_value, "
            f"id AS key_id, 0 AS row_count FROM {t} WHERE 1 = 0",
            f"CREATE UNIQUE INDEX IF NOT EXISTS ix_{m}_position ON {m} (position)",
            f"CREATE INDEX IF NOT EXISTS ix_{m}_key ON {m} (key_empty, key_value, key_id)"]


def sqlite_triggers(t: str, c: str, m: str):
    add = f"UPDATE {m} SET row_count = row_count + 1 WHERE position = {locate(m, 'new', c)};"
    remove = f"UPDATE {m} SET row_count = row_count - 1 WHERE position = {locate(m, 'old', c)};"
    yield BULK_TABLE
    yield f"CREATE TRIGGER IF NOT EXISTS {m}_insert AFTER INSERT ON {t} BEGIN {add} END"
    yield f"CREATE TRIGGER IF NOT EXISTS {m}_delete AFTER DELETE ON {t} {UNLESS_BULK} BEGIN {remove} END"
    yield (f"CREATE TRIGGER IF NOT EXISTS {m}_update AFTER UPDATE OF {c} ON {t} "
           f"WHEN old.{c} IS NOT new.{c} BEGIN {remove} {add} END")


def postgresql_triggers(t: str, c: str, m: str):
    for op, rows, sign in (("insert", "new_rows", "+"), ("delete", "old_rows", "-")):
        marked = f"SELECT {locate(m, 'r', c)} AS at FROM {rows} r"
        yield (f"CREATE OR REPLACE FUNCTION roster_{m}_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"UPDATE {m} SET row_count = {m}.row_count {sign} changed.n FROM "
               f"(SELECT at, count(*) AS n FROM ({marked}) marked GROUP BY at) changed "
               f"WHERE {m}.position = changed.at; RETURN NULL; END $$")
        yield (f"CREATE OR REPLACE TRIGGER {m}_{op} AFTER {op.upper()} ON {t} REFERENCING "
               f"{'NEW' if rows == 'new_rows' else 'OLD'} TABLE AS {rows} FOR EACH STATEMENT "
               f"EXECUTE FUNCTION roster_{m}_{op}()")
    yield from per_column_update_drops(t, m)


def per_column_update_drops(t: str, m: str):
    """The update trigger each sorted column had before (postgresql_update_trigger makes one per table)."""
    yield f"DROP TRIGGER IF EXISTS {m}_update ON {t}"
    yield f"DROP FUNCTION IF EXISTS roster_{m}_update()"


def placed(m: str, moves: str) -> str:
    """SQL for how many rows each mark gains or loses: `moves` selects (v, id, n), a row's value and id and +1 or
    -1. Sorted once with the marks, each row falls after the last mark before it: one sort, where locate() seeks the
    marks' index twice for each row (83,291 grades moved: 752-785 ms, 353-365 so)."""
    merged = (f"SELECT 0 AS is_row, key_empty AS e, key_value AS v, key_id AS id, position, 0 AS n FROM {m} UNION ALL "
              f"SELECT 1, CASE WHEN v IS NULL THEN 1 ELSE 0 END, v, id, NULL, n FROM ({moves}) moves")
    order = "e, v NULLS FIRST, id, is_row"
    return (f"SELECT at, sum(n) AS n FROM (SELECT is_row, n, max(position) OVER (ORDER BY {order} "
            f"ROWS UNBOUNDED PRECEDING) AS at FROM ({merged}) merged) sorted WHERE is_row = 1 GROUP BY at")


def postgresql_update_trigger(t: str, columns: list[str]):
    """Per statement, like the others, and one for the table's sorted columns: a bulk change of 80,000 grades moves
    each mark's count once, not 80,000 times. PostgreSQL allows no column list beside transition tables, so it runs
    on every update of `t`: it pairs the rows before and after once, to learn which sorted columns changed, and
    moves only their marks (one trigger per column paired them five times: 0.9 s of a bulk enrollment's 2.3 s
    UPDATE of 83,000 versions, which moves no mark)."""
    moved = {c: f"moved_{c}" for c in columns}
    found = ", ".join(f"coalesce(bool_or(before_row.{c} IS DISTINCT FROM after_row.{c}), false)" for c in columns)
    pairs = "old_rows before_row JOIN new_rows after_row ON after_row.id = before_row.id"
    body = [f"SELECT {found} INTO {', '.join(moved.values())} FROM {pairs};"]
    for c in columns:
        m = marks_table(t, c)
        rows = f"{pairs} WHERE before_row.{c} IS DISTINCT FROM after_row.{c}"
        moves = (f"SELECT before_row.{c} AS v, before_row.id, -1 AS n FROM {rows} UNION ALL "
                 f"SELECT after_row.{c}, after_row.id, 1 FROM {rows}")
        body.append(f"IF {moved[c]} THEN UPDATE {m} SET row_count = {m}.row_count + changed.n FROM "
                    f"({placed(m, moves)}) changed WHERE {m}.position = changed.at AND changed.n <> 0; END IF;")
    declared = " ".join(f"{name} boolean;" for name in moved.values())
    yield (f"CREATE OR REPLACE FUNCTION roster_{t}_marks_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
           f"DECLARE {declared} BEGIN {' '.join(body)} RETURN NULL; END $$")
    yield (f"CREATE OR REPLACE TRIGGER {t}_marks_update AFTER UPDATE ON {t} REFERENCING OLD TABLE AS old_rows "
           f"NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION roster_{t}_marks_update()")


def replace_postgresql_update_triggers(connection):
    """Each table's one update trigger of its marks, in place of any earlier ones (migrations)."""
    for t in MARKED:
        columns = marked_columns(connection, t)
        drops = [statement for c in columns for statement in per_column_update_drops(t, marks_table(t, c))]
        for statement in drops + (list(postgresql_update_trigger(t, columns)) if columns else []):
            connection.exec_driver_sql(statement)


def replace_triggers(connection):
    """Each marks table's insert, delete and (SQLite) update triggers made again from the code, for a migration that
    changes locate(): SQLite's are created only where missing, so they are dropped first."""
    dialect = connection.dialect.name
    for t in MARKED if dialect in ("sqlite", "postgresql") else ():
        for c in marked_columns(connection, t):
            m = marks_table(t, c)
            if dialect == "sqlite":
                for op in ("insert", "delete", "update"):
                    connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {m}_{op}")
            for statement in (sqlite_triggers if dialect == "sqlite" else postgresql_triggers)(t, c, m):
                connection.exec_driver_sql(statement)


def marked_columns(connection, t: str) -> list[str]:
    """The sorted columns of `t` that it has: an earlier migration runs before a column is added (a later one makes
    its marks)."""
    present = {column["name"] for column in inspect(connection).get_columns(t)}
    return [c for c in MARKED[t] if c in present]


def sqlite_drops(t: str, c: str, m: str):
    for op in ("insert", "delete", "update"):
        yield f"DROP TRIGGER IF EXISTS {m}_{op}"
    yield f"DROP TABLE IF EXISTS {m}"


def postgresql_drops(t: str, c: str, m: str):
    yield f"DROP TRIGGER IF EXISTS {t}_marks_update ON {t}"
    yield f"DROP FUNCTION IF EXISTS roster_{t}_marks_update()"
    for op in ("insert", "delete", "update"):
        yield f"DROP TRIGGER IF EXISTS {m}_{op} ON {t}"
        yield f"DROP FUNCTION IF EXISTS roster_{m}_{op}()"
    yield f"DROP TABLE IF EXISTS {m}"


def creating(triggers, table_triggers=None):
    """Makes each marks table, its marks and its triggers (and, given table_triggers, those of each table's)."""
    def create(connection):
        for t in MARKED:
            columns = marked_columns(connection, t)
            for c in columns:
                for statement in create_table(t, c):
                    connection.exec_driver_sql(statement)
                build(t, c, connection)
                for statement in triggers(t, c, marks_table(t, c)):
                    connection.exec_driver_sql(statement)
            for statement in table_triggers(t, columns) if table_triggers and columns else ():
                connection.exec_driver_sql(statement)
    return create


def dropping(drops):
    def drop(connection):
        for t, columns in MARKED.items():
            for c in columns:
                for statement in drops(t, c, marks_table(t, c)):
                    connection.exec_driver_sql(statement)
    return drop


def nothing(connection):
    pass


STATEMENTS = {
    "sqlite": {"create": creating(sqlite_triggers), "drop": dropping(sqlite_drops)},
    "postgresql": {"create": creating(postgresql_triggers, postgresql_update_trigger), "drop": dropping(postgresql_drops)},
    "mariadb": {"create": nothing, "drop": nothing},
}
