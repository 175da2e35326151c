"""How many rows refer to each row (a user's advisees, a course's students), kept by triggers in `related_counts`.

A count per row on a list page read the referring rows each time: 25 users with 5,000 advisees each is 125,000
index entries per page. Kept here, it is one lookup per row. Every write path keeps it: the triggers fire for
set-based statements too (per row on SQLite and MariaDB; per statement, over its transition tables, on
PostgreSQL). Imports nothing of ours, so migrations can run it (through schema_extras). models.py reads it.
"""

# relation name: (the referring table, its column naming the row counted)
RELATIONS = {"advisees": ("students", "advisor_id"), "taught": ("courses", "teacher_id"),
             "students": ("enrollments", "course_id")}
# SQLite: while the write path deletes many rows at once (database.deleting), a row here makes the per-row delete
# triggers of the counts and the sort marks stand aside; that statement adjusts them by a grouped count instead.
BULK_TABLE = "CREATE TABLE IF NOT EXISTS bulk_delete (on_table VARCHAR(64) NOT NULL)"
UNLESS_BULK = "WHEN NOT EXISTS (SELECT 1 FROM bulk_delete)"
TABLE = ("CREATE TABLE IF NOT EXISTS related_counts (relation VARCHAR(16){collate} NOT NULL, row_id BIGINT NOT NULL, "
         "row_count BIGINT NOT NULL, PRIMARY KEY (relation, row_id))")


def recount():
    """Every count made again from the rows: after a bulk load, or where no trigger kept it."""
    yield "DELETE FROM related_counts"
    for relation, (t, key) in RELATIONS.items():
        yield (f"INSERT INTO related_counts (relation, row_id, row_count) SELECT '{relation}', {key}, count(*) "
               f"FROM {t} WHERE {key} IS NOT NULL GROUP BY {key}")


def sqlite_create():
    yield BULK_TABLE
    yield TABLE.format(collate="")
    yield from recount()
    for relation, (t, key) in RELATIONS.items():
        # A row naming none (NULL) matches no count: row_id = NULL is never true.
        remove = (f"UPDATE related_counts SET row_count = row_count - 1 "
                  f"WHERE relation = '{relation}' AND row_id = old.{key};")
        add_new = (f"INSERT INTO related_counts SELECT '{relation}', new.{key}, 1 WHERE new.{key} IS NOT NULL "
                   f"ON CONFLICT (relation, row_id) DO UPDATE SET row_count = row_count + 1;")
        name = f"{t}_{relation}_count"
        yield f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {t} BEGIN {add_new} END"
        yield f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {t} {UNLESS_BULK} BEGIN {remove} END"
        yield (f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE OF {key} ON {t} "
               f"WHEN old.{key} IS NOT new.{key} BEGIN {remove} {add_new} END")


def sqlite_drop():
    for relation, (t, _) in RELATIONS.items():
        for op in ("insert", "delete", "update"):
            yield f"DROP TRIGGER IF EXISTS {t}_{relation}_count_{op}"
    yield "DROP TABLE IF EXISTS related_counts"


def postgresql_create():
    yield TABLE.format(collate="")
    yield from recount()
    # One statement trigger per change: a bulk UPDATE of 100,000 advisors adds up its changes once per statement.
    for relation, (t, key) in RELATIONS.items():
        for op, sources in (("insert", ["new_rows"]), ("delete", ["old_rows"]), ("update", ["old_rows", "new_rows"])):
            signed = " UNION ALL ".join(
                f"SELECT {key} AS row_id, {'-1' if source == 'old_rows' else '1'} AS change FROM {source}"
                for source in sources
            )
            yield (f"CREATE OR REPLACE FUNCTION roster_{t}_{relation}_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN INSERT INTO related_counts AS kept (relation, row_id, row_count) "
                   f"SELECT '{relation}', row_id, sum(change) FROM ({signed}) changed WHERE row_id IS NOT NULL "
                   f"GROUP BY row_id HAVING sum(change) <> 0 ON CONFLICT (relation, row_id) "
                   f"DO UPDATE SET row_count = kept.row_count + excluded.row_count; RETURN NULL; END $$")
            referencing = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows",
                           "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows"}[op]
            yield (f"CREATE OR REPLACE TRIGGER {t}_{relation}_count_{op} AFTER {op.upper()} ON {t} "
                   f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION roster_{t}_{relation}_{op}()")


def postgresql_drop():
    for relation, (t, _) in RELATIONS.items():
        for op in ("insert", "delete", "update"):
            yield f"DROP TRIGGER IF EXISTS {t}_{relation}_count_{op} ON {t}"
            yield f"DROP FUNCTION IF EXISTS roster_{t}_{relation}_{op}()"
    yield "DROP TABLE IF EXISTS related_counts"


def mariadb_create():
    yield TABLE.format(collate=" COLLATE utf8mb4_bin")
    yield from recount()
    for relation, (t, key) in RELATIONS.items():
        add = (f"IF new.{key} IS NOT NULL THEN INSERT INTO related_counts VALUES ('{relation}', new.{key}, 1) "
               f"ON DUPLICATE KEY UPDATE row_count = row_count + 1; END IF;")
        remove = (f"IF old.{key} IS NOT NULL THEN UPDATE related_counts SET row_count = row_count - 1 "
                  f"WHERE relation = '{relation}' AND row_id = old.{key}; END IF;")
        name = f"{t}_{relation}_count"
        yield f"CREATE TRIGGER IF NOT EXISTS {name}_insert AFTER INSERT ON {t} FOR EACH ROW BEGIN {add} END"
        yield f"CREATE TRIGGER IF NOT EXISTS {name}_delete AFTER DELETE ON {t} FOR EACH ROW BEGIN {remove} END"
        yield (f"CREATE TRIGGER IF NOT EXISTS {name}_update AFTER UPDATE ON {t} FOR EACH ROW "
               f"BEGIN IF NOT (old.{key} <=> new.{key}) THEN {remove} {add} END IF; END")
    # MariaDB fires no trigger for rows a foreign key's ON DELETE CASCADE removes: a deleted student's enrollments
    # are taken off their courses' counts before it goes (when the write path deleted them first, none are left).
    yield ("CREATE TRIGGER IF NOT EXISTS students_enrollments_uncount BEFORE DELETE ON students FOR EACH ROW "
           "UPDATE related_counts JOIN enrollments ON related_counts.relation = 'students' "
           "AND related_counts.row_id = enrollments.course_id SET row_count = row_count - 1 "
           "WHERE enrollments.student_id = old.id")


def mariadb_drop():
    yield "DROP TRIGGER IF EXISTS students_enrollments_uncount"
    for relation, (t, _) in RELATIONS.items():
        for op in ("insert", "delete", "update"):
            yield f"DROP TRIGGER IF EXISTS {t}_{relation}_count_{op}"
    yield "DROP TABLE IF EXISTS related_counts"


STATEMENTS = {
    "sqlite": {"create": sqlite_create, "drop": sqlite_drop},
    "postgresql": {"create": postgresql_create, "drop": postgresql_drop},
    "mariadb": {"create": mariadb_create, "drop": mariadb_drop},
}
