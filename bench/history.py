"""What conflict checks and the history cost (issue 13): a save with them against the same save without; a record's
History page and the Changes page, filtered the awkward ways, at many history rows against few.

    python -m bench.history [--rows 10000] [--saves 100] [--rounds 5] [--few 10000] [--many 10000000]
"""

import argparse
import random
import shutil
import sqlite3
import statistics
import time
from pathlib import Path

import records
import records.history

from bench.common import (DATA, interleaved, machine, make_app, ms, print_table, seeded, seeded_on_postgresql,
                          signed_in_client)
from models import Student, User, db


def fresh_copy(source: Path, path: Path) -> Path:
    """A copy of a database, without the WAL of an earlier copy at the same place (SQLite would apply it)."""
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(source, path)
    return path


def saves(app, client, ids, count: int, rng, versioned: bool):
    """`count` edits of random students, as the edit form posts them (with the version it was opened at, or not),
    each followed by the page it redirects to."""
    for _ in range(count):
        id = rng.choice(ids)
        with app.app_context():
            row = db.session.get(Student, id)
            form = {"name": row.name, "email": row.email, "grade": str(rng.randint(1, 12)),
                    "enrolled_on": row.enrolled_on.isoformat(), "gpa": f"{rng.randint(0, 400) / 100:.2f}",
                    "advisor_id": str(row.advisor_id or ""), "course_ids": [str(id) for id in row.course_ids]}
            if versioned:
                form["version"] = str(row.version)
            db.session.rollback()
        response = client.post(f"/students/{id}/edit", data=form)
        assert response.status_code == 302, response.status_code
        client.get(response.headers["Location"])  # as a browser does: the page that shows "Saved" (and clears it)


def save_cost(rows: int, count: int, rounds: int) -> list[tuple]:
    path = fresh_copy(seeded(rows), DATA / "history-saves.db")
    app = make_app(path)
    client = signed_in_client(app)
    with app.app_context():
        ids = db.session.scalars(db.select(Student.id)).all()
    recording = records.history.record
    rng = random.Random(3)

    def without():  # the write path as it was before issue 13: no version check, no history
        records.history.record = lambda session: session.flush()
        try:
            saves(app, client, ids, count, rng, versioned=False)
        finally:
            records.history.record = recording

    times = interleaved({"without": without, "with": lambda: saves(app, client, ids, count, rng, versioned=True)}, rounds)
    a, b = times["without"] / count, times["with"] / count
    return [(f"a save, {rows:,} students (per save)", ms(a), ms(b), b / a, "≤ 1.3")]


def with_history(rows: int, changes: int) -> Path:
    """The seeded database with `changes` history rows, made set-based once and reused: one admin editing students'
    grades, one change in a hundred to student 1 (so its History page is full at any size), and about 60 rare ones,
    spread out, at any size: by a second person, to a course, or a delete, for the filters to find."""
    path = DATA / f"history-{rows}-{changes}-{seeded(rows).name.split('-')[-1]}"
    if path.exists():
        return path
    building = path.with_suffix(".building")
    shutil.copy(seeded(rows), building)
    rare = max(changes // 60, 1)
    connection = sqlite3.connect(building)
    with connection:
        connection.executescript(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {changes // 2})
            INSERT INTO change_sets (id, at, user_id, user_name)
            SELECT i, datetime('2020-01-01', '+' || (i * 60) || ' seconds'), CASE WHEN i % {rare // 2 or 1} = 7 THEN 2 ELSE 1 END,
                   'Bench Admin' FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {changes})
            INSERT INTO changes (id, change_set_id, user_id, table_name, row_id, action, label, version, data, labels)
            SELECT i, (i + 1) / 2, CASE WHEN ((i + 1) / 2) % {rare // 2 or 1} = 7 THEN 2 ELSE 1 END,
                   CASE WHEN i % {rare} = 11 THEN 'courses' ELSE 'students' END,
                   CASE WHEN i % 100 = 0 THEN 1 ELSE 1 + i % {rows} END,
                   CASE WHEN i % {rare} = 13 THEN 'delete' ELSE 'edit' END, 'Student', 2 + i / {rows},
                   '{{"grade": [5, 6]}}', '{{}}' FROM n;
            ANALYZE;
        """)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the file itself, which is renamed next
    connection.close()
    building.rename(path)
    return path


def on_postgresql(url: str, rows: int, changes: int):
    """The app on a PostgreSQL database of `rows` seeded students and `changes` history rows like with_history's,
    made once on the server of `url` and reused."""
    app, made = seeded_on_postgresql(url, f"roster_bench_history_{changes}", rows)
    if made:
        rare = max(changes // 60, 1)
        with app.app_context():
            db.session.execute(db.text(f"""
                INSERT INTO change_sets (id, at, user_id, user_name)
                SELECT i, timestamp '2020-01-01' + i * interval '60 seconds',
                       CASE WHEN i % {rare // 2 or 1} = 7 THEN 2 ELSE 1 END, 'Bench Admin'
                FROM generate_series(1, {changes // 2}) AS i"""))
            db.session.execute(db.text(f"""
                INSERT INTO changes (id, change_set_id, user_id, table_name, row_id, action, label, version, data, labels)
                SELECT i, (i + 1) / 2, CASE WHEN ((i + 1) / 2) % {rare // 2 or 1} = 7 THEN 2 ELSE 1 END,
                       CASE WHEN i % {rare} = 11 THEN 'courses' ELSE 'students' END,
                       CASE WHEN i % 100 = 0 THEN 1 ELSE 1 + i % {rows} END,
                       CASE WHEN i % {rare} = 13 THEN 'delete' ELSE 'edit' END, 'Student', 2 + i / {rows},
                       '{{"grade": [5, 6]}}', '{{}}'
                FROM generate_series(1, {changes}) AS i"""))
            for table in ("change_sets", "changes"):
                db.session.execute(db.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(db.text("ANALYZE"))
    return app


def page_speed(rows: int, few: int, many: int, rounds: int, database_url: str | None = None) -> list[tuple]:
    clients = {}
    for size in (few, many):
        app = on_postgresql(database_url, rows, size) if database_url else make_app(with_history(rows, size))
        clients[size] = signed_in_client(app)
    middle = {few: few // 4, many: many // 4}  # the middle change set (two changes each): the Changes page's cursor
    day = "2020-01-03"
    pages = {
        "a student's History page (the most changes)": lambda size: "/students/1/history",
        "Changes, newest": lambda size: "/changes",
        "Changes, an older page by cursor": lambda size: f"/changes?before={middle[size]}",
        "Changes by a person with few changes": lambda size: "/changes?user=2",
        "Changes to courses (rare)": lambda size: "/changes?kind=courses",
        "Changes that are deletes (rare)": lambda size: "/changes?action=delete",
        "Changes on one day long ago": lambda size: f"/changes?since={day}&until={day}",
    }
    figures = []
    for what, path in pages.items():
        def visit(size, path=path):
            response = clients[size].get(path(size))
            assert response.status_code == 200, response.status_code

        times = interleaved({size: (lambda size=size: visit(size)) for size in (few, many)}, rounds)
        where = "PostgreSQL" if database_url else "SQLite"
        figures.append((f"{what}: {few:,} vs {many:,} history rows, {where}", ms(times[few]), ms(times[many]),
                        times[many] / times[few], "≤ 1.2"))
    return figures


def big_change(rows: int, affected: int, rounds: int) -> list[tuple]:
    """Deleting a user who advises `affected` students through the write path: the change itself (A: the same
    statements, but the history's INSERT … SELECT left out) against the change with its history (B)."""
    times = {"without": [], "with": []}
    for round in range(rounds):
        for case in times:
            path = fresh_copy(seeded(rows), DATA / f"history-big-change-{round}-{case}.db")
            with sqlite3.connect(path) as connection:
                connection.execute(f"UPDATE students SET advisor_id = 1 WHERE id <= {affected}")
            app = make_app(path)
            with app.app_context():
                user = db.session.get(User, 1)
                writing = records.history.record_rows
                if case == "without":
                    records.history.record_rows = lambda *args, **kwargs: None
                try:
                    start = time.perf_counter()
                    records.delete(user)
                    times[case].append(time.perf_counter() - start)
                finally:
                    records.history.record_rows = writing
                assert db.session.scalar(db.select(db.func.count()).where(Student.advisor_id == 1)) == 0
                db.session.remove()
                db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    a, b = statistics.median(times["without"]), statistics.median(times["with"])
    return [(f"deleting a user who advises {affected:,} of {rows:,} students", ms(a), ms(b), b / a, "≤ 1.5")]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--saves", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--few", type=int, default=10_000)
    parser.add_argument("--many", type=int, default=10_000_000)
    parser.add_argument("--big", type=int, default=100_000, help="rows a big change touches (of 2x that many)")
    parser.add_argument("--database-url", help="a PostgreSQL server to measure the history pages on too")
    args = parser.parse_args(argv)
    print(f"{machine()}; {args.rounds} rounds, medians")
    started = time.perf_counter()
    met = print_table("Saves: without (A) and with (B) version checks and history",
                      save_cost(args.rows, args.saves, args.rounds))
    met &= print_table("A change to many rows: without (A) and with (B) its history",
                       big_change(2 * args.big, args.big, args.rounds))
    met &= print_table("History pages: few (A) and many (B) history rows",
                       page_speed(args.rows, args.few, args.many, args.rounds))
    if args.database_url:
        met &= print_table("History pages on PostgreSQL: few (A) and many (B) history rows",
                           page_speed(args.rows, args.few, args.many, args.rounds, args.database_url))
    print(f"\n({time.perf_counter() - started:.0f} s)")
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
