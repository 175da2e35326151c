"""`flask seed`'s inserts against a raw sqlite3 executemany of the same rows in one transaction (goal 6),
and a whole `flask seed` of that many students against a minute.

    python -m bench.seed [--rows 1000000] [--rounds 3]
"""

import argparse
import os
import random
import sqlite3
import statistics
import time
from functools import partial

from bench.common import DATA, machine, new_database, print_table
from database.seed import BATCH, SQLITE_SEED_CACHE_KIB, bulk_loading, insert_rows
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


def with_sqlite3(rows: list[tuple], how: str) -> float:
    """The driver alone, in one transaction: executemany into the schema as it is ("live": every index, and the
    triggers that keep the search index and the count); or into the bare table, then making its indexes, search
    index and triggers again ("rebuilt": the same database seed makes); or into the bare table alone ("bare")."""
    fresh("seed-raw.db")
    connection = sqlite3.connect(DATA / "seed-raw.db", isolation_level=None)
    connection.execute(f"PRAGMA cache_size = -{SQLITE_SEED_CACHE_KIB}")  # as seed has it
    made = connection.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE (tbl_name = 'students' AND type IN ('index', 'trigger') "
        "OR name = 'students_search') AND sql IS NOT NULL ORDER BY type != 'table', type = 'trigger'").fetchall()
    if how != "live":
        for kind, name, _ in made:
            connection.execute(f"DROP {kind} {name}")
    columns = COLUMNS["students"]
    statement = f"INSERT INTO students ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.executemany(statement, rows)
    if how == "rebuilt":
        for _, name, sql in made:  # the search index first: once the covering indexes exist, its rebuild would
            connection.execute(sql)  # read the rows through one of them, out of id order, several times slower
            if name == "students_search":
                connection.execute("INSERT INTO students_search (students_search) VALUES ('rebuild')")
        connection.execute("UPDATE row_counts SET row_count = (SELECT count(*) FROM students) "
                           "WHERE table_name = 'students'")
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
    ways = {"seed": with_seed, **{how: partial(with_sqlite3, how=how) for how in ("live", "rebuilt", "bare")}}
    times = {way: [] for way in ways}
    for _ in range(options.rounds):  # interleaved
        for way, insert in ways.items():
            times[way].append(insert(rows))
    rate = {way: options.rows / statistics.median(times[way]) for way in ways}
    whole_rows = options.whole or options.rows
    os.sync()  # the rounds' files written out first, so the kernel does not do it during the whole seed
    whole = whole_seed(whole_rows)
    print(f"# bench.seed: {options.rows:,} students, median of {options.rounds} rounds\n\n{machine()}")
    print(f"\nMaking the rows (FakeSchool, not timed below): {generating:.1f} s")
    met = print_table("Goal 6: rows inserted per second, seed's inserts (B) against raw sqlite3 executemany (A)", [
        (f"students/s, raw {what}", f"{rate[way]:,.0f}/s", f"{rate['seed']:,.0f}/s", rate["seed"] / rate[way], goal)
        for way, what, goal in [
            ("live", "into the schema as it is (its indexes and triggers at work)", "≥ 0.5"),
            ("rebuilt", "into the bare table, then its indexes, search index and triggers made again", "≥ 0.5"),
            ("bare", "into the bare table, with no index built (no goal: not the same database)", "≥ 0"),
        ]
    ])
    met &= print_table(f"Goal 6: a whole `flask seed --students {whole_rows}` (B) against a minute (A)", [
        ("seconds", "60 s", f"{whole:.1f} s", whole / 60, "≤ 1"),
    ])
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
