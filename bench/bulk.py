"""What bulk actions cost at 1,000,000 students (issue 14): the office's yearly jobs, each one request through the
real confirmation and run (with its history), and the Undo that takes it back; the confirmation page for "all N
matching" against the list page it came from.

    python -m bench.bulk [--rows 1000000] [--rounds 3] [--delete 50000] [--database-url postgresql+psycopg://…/postgres]
                         [--no-sqlite]

On a PostgreSQL server without autovacuum, each job starts after a VACUUM ANALYZE (untimed, bench.common.tidy).
"""

import argparse
import re
import time
from html import unescape
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict

import records
from bench.common import (DATA, interleaved, machine, make_app, ms, print_table, seeded, seeded_on_postgresql,
                          signed_in_client, tidy)
from bench.history import fresh_copy
from models import ChangeSet, Student, db
from records import bulk
from records.undo import undo
from resources import STUDENTS

JOBS = {  # the yearly jobs of the issue: (what, the list's query string, the action's form)
    "move up every student of grade 9": ("grade=9", {"action": "move-up", "twelfth": "keep"}),
    "set advisor on every student matching “mar”": ("q=mar", {"action": "set-advisor", "advisor_id": "7"}),
    "enroll every grade-9 student in a course": ("grade=9", {"action": "enroll", "course_id": "3"}),
}
LIMITS = {"job": 5.0, "delete": 10.0}  # seconds, with the history


def preview(client, query: str, form: dict) -> dict:
    """The confirmation page of a job: what its Confirm button posts."""
    response = client.post("/students/bulk", data={**form, "all": "1", "query": query, "then": "preview"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "What will happen" in html, html[:3000]
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    return {**form, "all": "1", "query": query, **{k: unescape(v) for k, v in hidden.items()}, "then": "run"}


def newest_change_set(app) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.max(ChangeSet.id)))


def timed_undo(app) -> float:
    with app.app_context():
        change_set = db.session.get(ChangeSet, newest_change_set(app))
        start = time.perf_counter()
        undo(change_set)
        elapsed = time.perf_counter() - start
        db.session.remove()
    return elapsed


def jobs(app, rounds: int, where: str, deleted: int) -> tuple[list, list]:
    """Each job, then its Undo, `rounds` times; and deleting `deleted` students with their enrollments, then Undo."""
    client = signed_in_client(app)
    with app.app_context():
        listing = STUDENTS.listing
        counts = {what: db.session.scalar(db.select(db.func.count()).select_from(
            listing.matching_ids(listing.args(MultiDict(parse_qsl(query)))).order_by(None).subquery()))
            for what, (query, _) in JOBS.items()}
    rows, undos = [], []
    for what, (query, form) in JOBS.items():
        runs, backs = [], []
        for _ in range(rounds):
            tidy(app)
            confirming = preview(client, query, form)
            start = time.perf_counter()
            response = client.post("/students/bulk", data=confirming)
            runs.append(time.perf_counter() - start)
            assert response.status_code == 302, response.get_data(as_text=True)[:3000]
            backs.append(timed_undo(app))
        run, back = sorted(runs)[len(runs) // 2], sorted(backs)[len(backs) // 2]
        label = f"{what} ({counts[what]:,} rows), {where}"
        rows.append((label, f"{run:.2f} s", LIMITS["job"], run))
        undos.append((f"Undo: {label}", f"{back:.2f} s"))
    runs, backs = [], []
    for _ in range(rounds):
        tidy(app)
        with app.app_context():
            start = time.perf_counter()
            with records.change(summary=f"deleted {deleted:,} students") as session:
                bulk.delete(session, Student, db.select(Student.id).where(Student.id <= deleted))
            runs.append(time.perf_counter() - start)
            db.session.remove()
        backs.append(timed_undo(app))
    run, back = sorted(runs)[len(runs) // 2], sorted(backs)[len(backs) // 2]
    rows.append((f"delete {deleted:,} students with their enrollments, {where}", f"{run:.2f} s", LIMITS["delete"], run))
    undos.append((f"Undo: delete {deleted:,} students, {where}", f"{back:.2f} s"))
    return rows, undos


def confirmation_pages(app, rounds: int, where: str) -> list[tuple]:
    """The confirmation of each job for "all N matching" (A: the list page it came from; B: the confirmation)."""
    client = signed_in_client(app)
    figures = []
    for what, (query, form) in JOBS.items():
        def listed(query=query):
            assert client.get(f"/students?{query}").status_code == 200

        def confirming(query=query, form=form):
            response = client.post("/students/bulk", data={**form, "all": "1", "query": query, "then": "preview"})
            assert response.status_code == 200

        times = interleaved({"list": listed, "confirm": confirming}, rounds)
        figures.append((f"confirmation: {what}, {where}", ms(times["list"]), ms(times["confirm"]),
                        times["confirm"] / times["list"], "≤ 2"))
    return figures


def print_limits(title: str, rows: list[tuple]) -> bool:
    print(f"\n## {title}\n")
    print("| what | time | goal | met |")
    print("|---|---:|---:|:---:|")
    met = True
    for what, shown, limit, seconds in rows:
        met &= seconds < limit
        print(f"| {what} | {shown} | < {limit:.0f} s | {'yes' if seconds < limit else 'NO'} |")
    return met


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--delete", type=int, default=50_000, help="students the delete job deletes")
    parser.add_argument("--database-url", help="a PostgreSQL server to measure on too")
    parser.add_argument("--no-sqlite", action="store_true", help="measure on the PostgreSQL server only")
    args = parser.parse_args(argv)
    print(f"{machine()}; {args.rounds} rounds, medians")
    started = time.perf_counter()
    apps = [] if args.no_sqlite else [("SQLite", lambda: make_app(fresh_copy(seeded(args.rows), DATA / "bulk.db")))]
    if args.database_url:
        apps.append(("PostgreSQL", lambda: seeded_on_postgresql(args.database_url, "roster_bench_bulk", args.rows)[0]))
    met = True
    for where, made in apps:
        app = made()
        met &= print_table(f"Confirmation pages, {where}: the list (A) and the confirmation (B)",
                           confirmation_pages(app, max(args.rounds * 5, 5), where))
        rows, undos = jobs(app, args.rounds, where, args.delete)
        met &= print_limits(f"Bulk jobs at {args.rows:,} students, {where}, with their history", rows)
        print(f"\n## Undo of each, {where}\n\n| what | time |\n|---|---:|")
        for what, shown in undos:
            print(f"| {what} | {shown} |")
        with app.app_context():
            db.engine.dispose()
    print(f"\n({time.perf_counter() - started:.0f} s)")
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
