"""What the models cannot declare: each backend's search index and the exact row counts, both kept by triggers.

Created by a migration and, for databases made with db.create_all() (the tests), right after it (database/__init__.py).
Migrations import it, so of ours it imports only database.backend, which imports nothing back. Every statement is
idempotent.
"""

from sqlalchemy import Connection, Integer, String, column, inspect, table

from database import copied_keys, kept_counts, sort_marks
from database.kept_counts import BULK_TABLE, UNLESS_BULK
from database.backend import backend

LISTED = ("users", "students", "courses")  # the tables with a search_text column and a list page
# SQLite: a search matching many rows walks the sort order's index checking search_text. Names cluster (everyone
# called Maria sorts together), so the walk can be thousands of rows; with the text in the index it reads no rows.
# The name's, the list's own order, carries the advisor too, for a word that names one ("Roberts", three advisors of
# 12,769 students: 11-15 ms to 2-3 ms); carried by both, a bulk change of advisor on 62,315 students took 4.9 s, not
# 2.2 s.
COVERING = {"students": {"sort_name": ("search_text", "advisor_id"), "email": ("search_text",)}}
row_counts = table("row_counts", column("table_name", String), column("row_count", Integer))


def search_table(name: str):
    """The SQLite FTS5 trigram index of a listed table: rowid is the row's id."""
    return table(f"{name}_search", column("rowid", Integer), column("search_text", String))


def is_extra(name: str) -> bool:
    """Tables and indexes made here, which the models do not describe and migrations must not compare."""
    covering = {f"ix_{t}_{c}_search" for t, columns in COVERING.items() for c in columns}
    return name in ("row_counts", "related_counts", "bulk_delete") or name in covering or name.endswith("_marks") or any(
        name.startswith(f"{t}_search") or name == f"ix_{t}_search_trgm" for t in LISTED
    )


def include_name(name, type_, parent_names) -> bool:
    """Alembic's include_name hook: leave our extras out of autogenerate's comparison."""
    return not (type_ in ("table", "index") and name and is_extra(name))


def create(connection: Connection):
    copies = [copied_keys.STATEMENTS] if has_copied_keys(connection) else []  # a later migration adds the columns
    for statements in (STATEMENTS, kept_counts.STATEMENTS, *copies):
        for statement in statements[backend(connection).name]["create"]():
            if statement.startswith("CREATE INDEX") and not has_columns(connection, statement):
                continue  # a covering index of a column a later migration adds: that migration makes it
            connection.exec_driver_sql(statement)
    sort_marks.STATEMENTS[backend(connection).name]["create"](connection)


def has_columns(connection: Connection, statement: str) -> bool:
    """Whether the table a CREATE INDEX names has every column it lists (earlier migrations call create())."""
    table, rest = statement.split(" ON ", 1)[1].split(" ", 1)
    listed = rest[rest.index("(") + 1:rest.rindex(")")]  # "(a, b)", or "USING gin (search_text gin_trgm_ops)"
    present = {column["name"] for column in inspect(connection).get_columns(table)}
    return all(name.split()[0] in present for name in listed.split(","))


def has_copied_keys(connection: Connection) -> bool:
    present = {column["name"] for column in inspect(connection).get_columns("enrollments")}
    return set(copied_keys.COPIES.values()) <= present


def drop(connection: Connection):
    sort_marks.STATEMENTS[backend(connection).name]["drop"](connection)
    for statements in (copied_keys.STATEMENTS, kept_counts.STATEMENTS, STATEMENTS):
        for statement in statements[backend(connection).name]["drop"]():
            connection.exec_driver_sql(statement)


def counter_table(key_type: str) -> str:
    return f"CREATE TABLE IF NOT EXISTS row_counts (table_name {key_type} PRIMARY KEY, row_count BIGINT NOT NULL)"


FTS5_AUTOMERGE = 4  # FTS5's own default: as rows change, it merges its segments in small steps


def sqlite_create():
    yield BULK_TABLE
    yield counter_table("VARCHAR(64)")
    for t in LISTED:
        yield f"INSERT OR REPLACE INTO row_counts SELECT '{t}', count(*) FROM {t}"
        yield (f"CREATE TRIGGER IF NOT EXISTS {t}_count_insert AFTER INSERT ON {t} BEGIN "
               f"UPDATE row_counts SET row_count = row_count + 1 WHERE table_name = '{t}'; END")
        yield (f"CREATE TRIGGER IF NOT EXISTS {t}_count_delete AFTER DELETE ON {t} {UNLESS_BULK} BEGIN "
               f"UPDATE row_counts SET row_count = row_count - 1 WHERE table_name = '{t}'; END")
        # External content: the index keeps only trigrams; the text stays in the table.
        yield (f"CREATE VIRTUAL TABLE IF NOT EXISTS {t}_search USING fts5("
               f"search_text, content='{t}', content_rowid='id', tokenize='trigram')")
        add = f"INSERT INTO {t}_search (rowid, search_text) VALUES (new.id, new.search_text);"
        remove = f"INSERT INTO {t}_search ({t}_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);"
        yield f"CREATE TRIGGER IF NOT EXISTS {t}_search_insert AFTER INSERT ON {t} BEGIN {add} END"
        yield f"CREATE TRIGGER IF NOT EXISTS {t}_search_delete AFTER DELETE ON {t} BEGIN {remove} END"
        yield f"CREATE TRIGGER IF NOT EXISTS {t}_search_update AFTER UPDATE OF search_text ON {t} BEGIN {remove} {add} END"
        # Built with no merging along the way, then merged once into one segment: at 1,000,000 students 15% faster
        # than merging as it goes, and its searches read one segment, not several (five counts 5.5 -> 4.1 ms)
        yield f"INSERT INTO {t}_search ({t}_search, rank) VALUES ('automerge', 0)"
        yield f"INSERT INTO {t}_search ({t}_search) VALUES ('rebuild')"
        yield f"INSERT INTO {t}_search ({t}_search) VALUES ('optimize')"
        yield f"INSERT INTO {t}_search ({t}_search, rank) VALUES ('automerge', {FTS5_AUTOMERGE})"
        for column, carried in COVERING.get(t, {}).items():
            yield f"CREATE INDEX IF NOT EXISTS ix_{t}_{column}_search ON {t} ({column}, id, {', '.join(carried)})"


def sqlite_drop():
    for t in LISTED:
        for trigger in ("count_insert", "count_delete", "search_insert", "search_delete", "search_update"):
            yield f"DROP TRIGGER IF EXISTS {t}_{trigger}"
        yield f"DROP TABLE IF EXISTS {t}_search"
        for column in COVERING.get(t, ()):
            yield f"DROP INDEX IF EXISTS ix_{t}_{column}_search"
    yield "DROP TABLE IF EXISTS row_counts"
    yield "DROP TABLE IF EXISTS bulk_delete"


def postgresql_create():
    yield "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    yield counter_table("VARCHAR(64)")
    # Statement triggers: a bulk insert of 10,000 rows updates the count once, not 10,000 times.
    for op, sign, rows in (("insert", "+", "new_rows"), ("delete", "-", "old_rows")):
        yield (f"CREATE OR REPLACE FUNCTION roster_count_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               f"UPDATE row_counts SET row_count = row_count {sign} (SELECT count(*) FROM {rows}) "
               f"WHERE table_name = TG_TABLE_NAME; RETURN NULL; END $$")
    for t in LISTED:
        yield (f"INSERT INTO row_counts SELECT '{t}', count(*) FROM {t} "
               f"ON CONFLICT (table_name) DO UPDATE SET row_count = excluded.row_count")
        yield (f"CREATE OR REPLACE TRIGGER {t}_count_insert AFTER INSERT ON {t} REFERENCING NEW TABLE AS new_rows "
               f"FOR EACH STATEMENT EXECUTE FUNCTION roster_count_insert()")
        yield (f"CREATE OR REPLACE TRIGGER {t}_count_delete AFTER DELETE ON {t} REFERENCING OLD TABLE AS old_rows "
               f"FOR EACH STATEMENT EXECUTE FUNCTION roster_count_delete()")
        yield f"CREATE INDEX IF NOT EXISTS ix_{t}_search_trgm ON {t} USING gin (search_text gin_trgm_ops)"


def postgresql_drop():
    for t in LISTED:
        yield f"DROP INDEX IF EXISTS ix_{t}_search_trgm"
        yield f"DROP TRIGGER IF EXISTS {t}_count_insert ON {t}"
        yield f"DROP TRIGGER IF EXISTS {t}_count_delete ON {t}"
    yield "DROP FUNCTION IF EXISTS roster_count_insert()"
    yield "DROP FUNCTION IF EXISTS roster_count_delete()"
    yield "DROP TABLE IF EXISTS row_counts"


def mariadb_create():
    # No substring index: InnoDB's FULLTEXT matches whole words and MariaDB has no n-gram parser, so search scans.
    yield counter_table("VARCHAR(64) COLLATE utf8mb4_bin")
    for t in LISTED:
        yield f"REPLACE INTO row_counts SELECT '{t}', count(*) FROM {t}"
        for op, sign in (("insert", "+"), ("delete", "-")):
            yield (f"CREATE TRIGGER IF NOT EXISTS {t}_count_{op} AFTER {op.upper()} ON {t} FOR EACH ROW "
                   f"UPDATE row_counts SET row_count = row_count {sign} 1 WHERE table_name = '{t}'")


def mariadb_drop():
    for t in LISTED:
        yield f"DROP TRIGGER IF EXISTS {t}_count_insert"
        yield f"DROP TRIGGER IF EXISTS {t}_count_delete"
    yield "DROP TABLE IF EXISTS row_counts"


STATEMENTS = {
    "sqlite": {"create": sqlite_create, "drop": sqlite_drop},
    "postgresql": {"create": postgresql_create, "drop": postgresql_drop},
    "mariadb": {"create": mariadb_create, "drop": mariadb_drop},
}
