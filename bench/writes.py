"""Edits saved by 4 worker processes at once against one process alone, on one SQLite file (goal 5).

    python -m bench.writes [--rows 10000] [--seconds 3] [--rounds 3] [--workers 4]
"""

import argparse
import multiprocessing
import random
import shutil
import statistics
import time

from bench.common import DATA, machine, make_app, print_table, seeded, signed_in_client
from models import Student, db


def edit_for(seconds: float, path, seed: int, results):
    """One worker: saves student edits through the app for `seconds`, following each redirect as a browser does;
    reports saves and failures."""
    app = make_app(path)
    client = signed_in_client(app)
    rng = random.Random(seed)
    with app.app_context():
        ids = db.session.scalars(db.select(Student.id)).all()
    saved = failed = 0
    errors = set()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        student = rng.choice(ids)
        with app.app_context():
            row = db.session.get(Student, student)
            form = {"name": f"{row.name.split(' #')[0]} #{rng.randint(1, 999)}", "email": row.email,
                    "grade": str(rng.randint(1, 12)), "enrolled_on": row.enrolled_on.isoformat(),
                    "gpa": "3.25", "then": "view"}
            db.session.rollback()
        response = client.post(f"/students/{student}/edit", data=form)
        if response.status_code == 302:
            saved += 1
            client.get(response.headers["Location"])  # as a browser does: the page that shows "Saved" (and clears it)
        else:
            failed += 1
            errors.add(response.status_code)
    results.put((saved, failed, sorted(errors)))


def commits_per_second(workers: int, seconds: float, path) -> tuple[float, int]:
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    processes = [context.Process(target=edit_for, args=(seconds, path, n, results)) for n in range(workers)]
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
    return sum(saved for saved, _, _ in outcomes) / seconds, sum(failed for _, failed, _ in outcomes)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4)
    options = parser.parse_args(argv)
    path = DATA / "writes.db"
    shutil.copy(seeded(options.rows), path)
    for suffix in ("-wal", "-shm"):
        (DATA / f"writes.db{suffix}").unlink(missing_ok=True)
    alone, together, failures = [], [], 0
    for _ in range(options.rounds):  # interleaved: one process, then all of them, again
        rate, failed = commits_per_second(1, options.seconds, path)
        alone.append(rate)
        failures += failed
        rate, failed = commits_per_second(options.workers, options.seconds, path)
        together.append(rate)
        failures += failed
    print(f"# bench.writes: student edits on {options.rows:,} students, {options.rounds} rounds of "
          f"{options.seconds:g} s\n\n{machine()}")
    one, many = statistics.median(alone), statistics.median(together)
    met = print_table(f"Goal 5: commits per second, {options.workers} processes (B) against one (A)", [
        ("commits/s", f"{one:.0f}/s", f"{many:.0f}/s", many / one, "≥ 0.75"),
    ])
    print(f"\nFailed saves (e.g. \"database is locked\"): {failures}")
    print(f"\nEvery goal met: {'yes' if met and not failures else 'NO'}")


if __name__ == "__main__":
    main()
