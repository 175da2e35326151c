"""Export and import (issue 15): `flask export students` of every student as CSV, its time and the process's peak
memory; the preview and the commit of an import of new students, each against its goal.

    python -m bench.transfer [--students 1000000] [--rows 100000] [--database-url postgresql+psycopg://…]

Each figure is B against the goal A (B/A ≤ 1 is met). The export runs as the command a script would run, in a
process of its own, whose peak resident memory the kernel reports (wait4).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import time


from bench.common import DATA, ROOT, machine, make_app, print_table, seeded, seeded_on_postgresql
from models import Course, Student, User, db
from records import import_checks, import_writes
from records.imports import Importer
from resources import STUDENTS
from spreadsheets import reading


def on_postgresql(url: str, students: int) -> str:
    """The URL of a PostgreSQL database of `students` seeded ones, made once per size and schema revision."""
    app, _ = seeded_on_postgresql(url, "roster_bench_transfer", students)
    return app.config["SQLALCHEMY_DATABASE_URI"]


def export_run(url: str) -> tuple[float, float]:
    """`flask export students > /dev/null`: seconds, and peak resident memory in MB. The peak is the kernel's
    VmHWM of the command, read as it runs (wait4's ru_maxrss would count the benchmark's own memory, which the
    child shares between fork and exec)."""
    environment = {**os.environ, "DATABASE_URL": url}
    start, peak = time.perf_counter(), 0
    with open(os.devnull, "wb") as nowhere:
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "export", "students"], cwd=ROOT,
                                   env=environment, stdout=nowhere, stderr=subprocess.PIPE)
        while process.poll() is None:
            peak = max(peak, high_water_mark(process.pid))
            time.sleep(0.1)
    seconds = time.perf_counter() - start
    assert process.returncode == 0, process.stderr.read().decode()
    return seconds, peak / 1024


def high_water_mark(pid: int) -> int:
    """The process's peak resident memory so far, in KiB (0 once it has gone)."""
    try:
        status = open(f"/proc/{pid}/status").read()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def intake(app, rows: int) -> bytes:
    """A file of `rows` new students, as admissions would send it: advisors by email, two courses each by code."""
    with app.app_context():
        advisors = db.session.scalars(db.select(User.email).limit(200)).all()
        codes = db.session.scalars(db.select(Course.code).limit(500)).all()
    rng = random.Random(5)
    lines = ["Name,Email,Grade,Birthday,Enrolled on,GPA,Advisor,Courses"]
    for n in range(rows):
        lines.append(f"New Student {n},intake.{n}@students.example.edu,{rng.randint(1, 12)},2015-03-0{1 + n % 9},"
                     f"2026-09-01,{rng.randint(0, 400) / 100:.2f},{rng.choice(advisors)},"
                     f"\"{', '.join(rng.sample(codes, 2))}\"")
    return ("\n".join(lines) + "\n").encode()


def import_run(url: str, rows: int) -> tuple[float, float]:
    """Preview, then commit, of `rows` new students: seconds each (the rows are deleted again afterwards)."""
    app = make_app(None, url)
    data = intake(app, rows)
    with app.app_context():
        leftovers(db)  # of a run that stopped half-way
        importer = Importer.of(STUDENTS)
        table = reading.read(data)
        mapping = [c.name for c in importer.columns]
        start = time.perf_counter()
        planned = import_checks.plan(importer, table, mapping)
        preview = time.perf_counter() - start
        assert not planned.problems and len(planned.new) == rows, planned.problems[:3]
        db.session.rollback()
        start = time.perf_counter()
        import_writes.commit(importer, table, mapping)
        commit = time.perf_counter() - start
        leftovers(db)
        db.engine.dispose()
    return preview, commit


def leftovers(db):
    db.session.execute(db.delete(Student).where(Student.email.like("intake.%")))
    db.session.commit()


def figures(where: str, url: str, students: int, rows: int) -> list[tuple]:
    seconds, megabytes = export_run(url)
    preview, commit = import_run(url, rows)
    return [
        (f"export of {students:,} students as CSV, seconds ({where})", "30 s", f"{seconds:.1f} s", seconds / 30, "≤ 1"),
        (f"export of {students:,} students, peak memory ({where})", "200 MB", f"{megabytes:.0f} MB", megabytes / 200, "≤ 1"),
        (f"preview of {rows:,} new students, seconds ({where})", "20 s", f"{preview:.1f} s", preview / 20, "≤ 1"),
        (f"commit of {rows:,} new students, seconds ({where})", "60 s", f"{commit:.1f} s", commit / 60, "≤ 1"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--students", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL server to measure on too")
    args = parser.parse_args()
    print(f"# bench.transfer: {machine()}")
    copy = DATA / "transfer.db"
    for suffix in ("-wal", "-shm"):
        copy.with_name(copy.name + suffix).unlink(missing_ok=True)
    shutil.copy(seeded(args.students), copy)  # the import adds and deletes rows: on a copy
    rows = figures("SQLite", f"sqlite:///{copy}", args.students, args.rows)
    if args.database_url:
        rows += figures("PostgreSQL", on_postgresql(args.database_url, args.students), args.students, args.rows)
    met = print_table("Goals of issue 15: export and import", rows)
    print(f"\nEvery goal met: {'yes' if met else 'no'}")


if __name__ == "__main__":
    main()
