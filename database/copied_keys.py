"""Each enrollment's copy of its student's sort keys, name and GPA (enrollments.student_sort_name, student_gpa), kept
by triggers.

A course's students by name or GPA were the students' index of that order walked, each student met looked up in the
course's enrollments: where few of the students take it (10,001 of 1,000,000), a page met 99 students for each it
showed (SQLite 8.5 ms, against 3.5 for a small course's page). With the key beside the course in an index of the
enrollments, a page is 26 of its entries. (A grade is not copied: moving a grade up would rewrite every enrollment of
it.)

An enrollment is written without the copies (the ORM's, an import's, an undo's), or with them where a statement reads
the student anyway (a bulk enroll, the seed); a trigger fills them in where the name was left empty (a sort_name is
never NULL; a GPA may be). A student's new name or GPA is copied to their enrollments. The copy is read under a lock
of the student's row (PostgreSQL, MariaDB), so that a change made by another transaction meanwhile is not copied
stale: that update waits for the enrollment, or the enrollment for it. Imports nothing of ours, so migrations can
run it (through schema_extras).
"""

COPIES = {"sort_name": "student_sort_name", "gpa": "student_gpa"}  # the student's column: the enrollment's copy
COPY = ", ".join(f"{copy} = new.{key}" for key, copy in COPIES.items())
CHANGED = " OR ".join(f"old.{key} IS {{distinct}} new.{key}" for key in COPIES)


def sqlite_create():
    fill = ", ".join(f"{copy} = (SELECT {key} FROM students WHERE id = new.student_id)" for key, copy in COPIES.items())
    yield ("CREATE TRIGGER IF NOT EXISTS enrollments_keys_fill AFTER INSERT ON enrollments "
           f"WHEN new.student_sort_name IS NULL BEGIN UPDATE enrollments SET {fill} "
           "WHERE student_id = new.student_id AND course_id = new.course_id; END")
    yield (f"CREATE TRIGGER IF NOT EXISTS students_keys_copy AFTER UPDATE OF {', '.join(COPIES)} ON students "
           f"WHEN {CHANGED.format(distinct='NOT')} BEGIN UPDATE enrollments SET {COPY} WHERE student_id = new.id; END")


def sqlite_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_keys_fill"
    yield "DROP TRIGGER IF EXISTS students_keys_copy"


def postgresql_create():
    into = ", ".join(f"new.{copy}" for copy in COPIES.values())
    yield ("CREATE OR REPLACE FUNCTION roster_enrollments_keys_fill() RETURNS trigger LANGUAGE plpgsql AS $$ "
           f"BEGIN SELECT {', '.join(COPIES)} INTO {into} FROM students WHERE id = new.student_id FOR SHARE; "
           "RETURN new; END $$")
    yield ("CREATE OR REPLACE TRIGGER enrollments_keys_fill BEFORE INSERT ON enrollments FOR EACH ROW "
           "WHEN (new.student_sort_name IS NULL) EXECUTE FUNCTION roster_enrollments_keys_fill()")
    yield ("CREATE OR REPLACE FUNCTION roster_students_keys_copy() RETURNS trigger LANGUAGE plpgsql AS $$ "
           f"BEGIN UPDATE enrollments SET {COPY} WHERE student_id = new.id; RETURN NULL; END $$")
    # A row trigger on those columns alone: a bulk job (a new grade, a new advisor) does not set them: none fires.
    yield (f"CREATE OR REPLACE TRIGGER students_keys_copy AFTER UPDATE OF {', '.join(COPIES)} ON students "
           f"FOR EACH ROW WHEN ({CHANGED.format(distinct='DISTINCT FROM')}) "
           "EXECUTE FUNCTION roster_students_keys_copy()")


def postgresql_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_keys_fill ON enrollments"
    yield "DROP TRIGGER IF EXISTS students_keys_copy ON students"
    yield "DROP FUNCTION IF EXISTS roster_enrollments_keys_fill()"
    yield "DROP FUNCTION IF EXISTS roster_students_keys_copy()"


def mariadb_create():
    fill = ", ".join(f"new.{copy} = (SELECT {key} FROM students WHERE id = new.student_id LOCK IN SHARE MODE)"
                     for key, copy in COPIES.items())
    changed = " OR ".join(f"NOT (old.{key} <=> new.{key})" for key in COPIES)
    yield ("CREATE TRIGGER IF NOT EXISTS enrollments_keys_fill BEFORE INSERT ON enrollments FOR EACH ROW "
           f"BEGIN IF new.student_sort_name IS NULL THEN SET {fill}; END IF; END")
    yield ("CREATE TRIGGER IF NOT EXISTS students_keys_copy AFTER UPDATE ON students FOR EACH ROW "
           f"BEGIN IF {changed} THEN UPDATE enrollments SET {COPY} WHERE student_id = new.id; END IF; END")


def mariadb_drop():
    yield "DROP TRIGGER IF EXISTS enrollments_keys_fill"
    yield "DROP TRIGGER IF EXISTS students_keys_copy"


STATEMENTS = {
    "sqlite": {"create": sqlite_create, "drop": sqlite_drop},
    "postgresql": {"create": postgresql_create, "drop": postgresql_drop},
    "mariadb": {"create": mariadb_create, "drop": mariadb_drop},
}
