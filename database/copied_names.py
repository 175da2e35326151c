"""Each enrollment's copy of its student's sort_name (enrollments.student_sort_name), kept by triggers.

A course's students by name were the students' name index walked, each student met looked up in the course's
enrollments: where few students take it (10,001 of 1,000,000), a page met 2,600 of them (SQLite 8.5 ms, against 3.5
for a small course's page). With the name beside the course in the enrollments' index, a page is 26 of its entries.

An enrollment is written without the name (the ORM's, an import's, an undo's), or with it where a statement reads
the student anyway (a bulk enroll, the seed); a trigger fills in what was left empty. A new sort_name is copied to
the student's enrollments. The copy is read under a lock of the student's row (PostgreSQL, MariaDB), so that a name
changed by another transaction meanwhile is not copied stale: that update waits for the enrollment, or the enrollment
for it. Imports nothing of ours, so migrations can run it (through schema_extras).
"""

FILL = "(SELECT sort_name FROM students WHERE id = new.student_id{lock})"


def sqlite_create():
    fill = FILL.format(lock="")
    yield ("CREATE TRIGGER IF NOT EXISTS enrollments_name_fill AFTER INSERT ON enrollments "
           f"WHEN new.student_sort_name IS NULL BEGIN UPDATE enrollments SET student_sort_name = {fill} "
           "WHERE student_id = new.student_id AND course_id = new.course_id; END")
    yield ("CREATE TRIGGER IF NOT EXISTS students_name_copy AFTER UPDATE OF sort_name ON students "
           "WHEN old.sort_name IS NOT new.sort_name BEGIN "
           "UPDATE enrollments SET student_sort_name = new.sort_name WHERE student_id = new.id; END")


def sqlite_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_name_fill"
    yield "DROP TRIGGER IF EXISTS students_name_copy"


def postgresql_create():
    fill = FILL.format(lock=" FOR SHARE")
    yield ("CREATE OR REPLACE FUNCTION roster_enrollments_name_fill() RETURNS trigger LANGUAGE plpgsql AS $$ "
           f"BEGIN new.student_sort_name := {fill}; RETURN new; END $$")
    yield ("CREATE OR REPLACE TRIGGER enrollments_name_fill BEFORE INSERT ON enrollments FOR EACH ROW "
           "WHEN (new.student_sort_name IS NULL) EXECUTE FUNCTION roster_enrollments_name_fill()")
    yield ("CREATE OR REPLACE FUNCTION roster_students_name_copy() RETURNS trigger LANGUAGE plpgsql AS $$ "
           "BEGIN UPDATE enrollments SET student_sort_name = new.sort_name WHERE student_id = new.id; "
           "RETURN NULL; END $$")
    # A row trigger on the column alone: a bulk job (a new grade, a new advisor) does not set it and fires nothing.
    yield ("CREATE OR REPLACE TRIGGER students_name_copy AFTER UPDATE OF sort_name ON students FOR EACH ROW "
           "WHEN (old.sort_name IS DISTINCT FROM new.sort_name) EXECUTE FUNCTION roster_students_name_copy()")


def postgresql_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_name_fill ON enrollments"
    yield "DROP TRIGGER IF EXISTS students_name_copy ON students"
    yield "DROP FUNCTION IF EXISTS roster_enrollments_name_fill()"
    yield "DROP FUNCTION IF EXISTS roster_students_name_copy()"


def mariadb_create():
    fill = FILL.format(lock=" LOCK IN SHARE MODE")
    yield ("CREATE TRIGGER IF NOT EXISTS enrollments_name_fill BEFORE INSERT ON enrollments FOR EACH ROW "
           f"BEGIN IF new.student_sort_name IS NULL THEN SET new.student_sort_name = {fill}; END IF; END")
    yield ("CREATE TRIGGER IF NOT EXISTS students_name_copy AFTER UPDATE ON students FOR EACH ROW "
           "BEGIN IF NOT (old.sort_name <=> new.sort_name) THEN "
           "UPDATE enrollments SET student_sort_name = new.sort_name WHERE student_id = new.id; END IF; END")


def mariadb_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_name_fill"
    yield "DROP TRIGGER IF EXISTS students_name_copy"


STATEMENTS = {
    "sqlite": {"create": sqlite_create, "drop": sqlite_drop},
    "postgresql": {"create": postgresql_create, "drop": postgresql_drop},
    "mariadb": {"create": mariadb_create, "drop": mariadb_drop},
}
