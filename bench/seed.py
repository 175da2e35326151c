"""`flask seed`'s inserts against a raw sqlite3 executemany of the same rows in one transaction (goal 6),
and a whole `flask seed` of that many students against a minute.

    python -m bench.seed [--rows 1000000] [--rounds 3]
"""

import argparse
import random
import sqlite3
import statistics
import time

from bench.common import DATA, machine, new_database, print_table
from cli import BATCH, bulk_loading, insert_rows
from fake_school import COLUMNS, FakeSchool
from models import Student, User, db

STAFF = list(range(1, 201))


def fresh(name: str):
    app = new_database(DATA / name)
    with app.app_context():
        db.session.execute(db.insert(User.__table__), [{"name": f"U{n}", "email": f"u{n}@x.org", "search_text": ""}
                                                        for n in STAFF])
        db.session.commit()
        db.engine.dispose()
    return app


def with_seed(rows: list[tuple]) -> float:
    """seed's own code: bulk_loading and insert_rows a batch at a time, in one transaction."""
    app = fresh("seed-app.db")
    with app.app_context():
        start = time.perf_counter()
        with bulk_loading(True):
            for first in range(0, len(rows), BATCH):
                insert_rows(Student.__table__, rows[first:first + BATCH])
        db.session.commit()
        elapsed = time.perf_counter() - start
        db.engine.dispose()
    return elapsed


def with_sqlite3(rows: list[tuple], bare: bool = False) -> float:
    """The driver alone: executemany into the same schema (indexes, triggers) in one transaction; or, `bare`, into
    the table without its non-unique indexes, search index and triggers, which are then not built at all."""
    fresh("seed-raw.db")
    connection = sqlite3.connect(DATA / "seed-raw.db", isolation_level=None)
    if bare:
        schema_extras_drop = [sql for (sql,) in connection.execute(
            "SELECT 'DROP ' || type || ' ' || name FROM sqlite_master WHERE type IN ('trigger', 'index') "
            "AND tbl_name = 'students' AND sql IS NOT NULL AND name NOT LIKE 'uq%'")]
        for statement in schema_extras_drop + ["DROP TABLE students_search"]:
            connection.execute(statement)
    columns = COLUMNS["students"]
    statement = f"INSERT INTO students ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(statement, rows)
    connection.execute("COMMIT")
    elapsed = time.perf_counter() - start
    connection.close()
    return elapsed


def whole_seed(students: int) -> float:
    app = new_database(DATA / "seed-whole.db")
    start = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["seed", "--users", "200", "--students", str(students)])
    assert result.exit_code == 0, result.output
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--whole", type=int, help="students for the whole `flask seed` run  [default: --rows]")
    options = parser.parse_args(argv)
    start = time.perf_counter()
    school = FakeSchool(random.Random(7))
    rows = school.students(range(1, options.rows + 1), STAFF)
    generating = time.perf_counter() - start
    seed_times, raw_times, bare_times = [], [], []
    for _ in range(options.rounds):  # interleaved
        seed_times.append(with_seed(rows))
        raw_times.append(with_sqlite3(rows))
        bare_times.append(with_sqlite3(rows, bare=True))
    whole_rows = options.whole or options.rows
    whole = whole_seed(whole_rows)
    seed_rate, raw_rate = options.rows / statistics.median(seed_times), options.rows / statistics.median(raw_times)
    bare_rate = options.rows / statistics.median(bare_times)
    print(f"# bench.seed: {options.rows:,} students, median of {options.rounds} rounds\n\n{machine()}")
    print(f"\nMaking the rows (FakeSchool, not timed below): {generating:.1f} s")
    met = print_table("Goal 6: rows inserted per second, seed's inserts (B) against raw sqlite3 executemany (A)", [
        ("students/s", f"{raw_rate:,.0f}/s", f"{seed_rate:,.0f}/s", seed_rate / raw_rate, "≥ 0.5"),
        ("students/s, raw into the bare table: no indexes built (no goal)", f"{bare_rate:,.0f}/s",
         f"{seed_rate:,.0f}/s", seed_rate / bare_rate, "≥ 0"),
    ])
    met &= print_table(f"Goal 6: a whole `flask seed --students {whole_rows}` (B) against a minute (A)", [
        ("seconds", "60 s", f"{whole:.1f} s", whole / 60, "≤ 1"),
    ])
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
