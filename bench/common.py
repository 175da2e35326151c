"""What every benchmark shares: its databases, a signed-in client, interleaved timing and the table it prints."""

import hashlib
import os
import platform
import sqlite3
import statistics
import time
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from app import create_app
from models import User, db

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("ROSTER_BENCH_DATA", ROOT / "bench" / "data"))  # the smoke tests use a temporary one
# The schema a cached database was made at: the newest revision, and a digest of every migration (revisions merged
# from several branches keep their ids but may be chained anew, and then make another schema).
HEAD = (ScriptDirectory(str(ROOT / "migrations")).get_current_head() + "_" + hashlib.sha1(b"".join(
    path.read_bytes() for path in sorted((ROOT / "migrations" / "versions").glob("*.py")))).hexdigest()[:6])


def make_app(path: Path | None, url: str | None = None):
    """The app on the SQLite file at `path`, or on the database at `url`."""
    return create_app({
        "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{path}",
        "SECRET_KEY": "bench",
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })


def new_database(path: Path):
    """An empty database at the newest revision, made by the migrations as `flask init-db` makes it."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    app = make_app(path)
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    return app


def seeded(students: int, users: int = 200) -> Path:
    """A database of `students` seeded by `flask seed`, made once per size and schema revision, then reused."""
    path = DATA / f"students-{students}-{HEAD}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        app = new_database(building)
        arguments = ["seed", "--users", str(users), "--students", str(students), "--random-seed", "7"]
        result = app.test_cli_runner().invoke(args=arguments)
        assert result.exit_code == 0, result.output
        with app.app_context():
            db.session.add(User(name="Bench Admin", email="bench@example.org", role="admin"))
            db.session.commit()
            db.engine.dispose()
        with sqlite3.connect(building) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        building.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)
    return path


def seeded_on_postgresql(url: str, name: str, students: int, users: int = 200) -> tuple:
    """The app on a PostgreSQL database of `students` seeded as seeded() seeds them, named `name`_<students>_<schema>
    on the server of `url`, made once and reused; and whether it was made now (a caller may add to a new one)."""
    server, name = make_url(url), f"{name}_{students}_{HEAD}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(db.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).scalar()
        if not exists:
            connection.execute(db.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    app = make_app(None, server.set(database=name).render_as_string(hide_password=False))
    if not exists:
        runner = app.test_cli_runner()
        for arguments in (["init-db"], ["seed", "--users", str(users), "--students", str(students), "--random-seed", "7"]):
            assert (result := runner.invoke(args=arguments)).exit_code == 0, result.output
        with app.app_context():
            db.session.add(User(name="Bench Admin", email="bench@example.org", role="admin"))
            db.session.commit()
            vacuum(app)  # index-only scans need the visibility map
    with app.app_context():
        if db.session.scalar(db.select(User.id).where(User.email == "bench@example.org")) is None:
            raise SystemExit(f"{name}: a seed that did not finish; drop that database and run again")
    tidy(app)
    return app, not exists


def vacuum(app):
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(db.text("VACUUM ANALYZE"))


def tidy(app):
    """On a PostgreSQL server running without autovacuum (as this workplace's runs, unlike a server as installed),
    what autovacuum would have done since the last writes: the dead rows of earlier bulk jobs and runs cleared, the
    visibility map set again (else index-only scans read the table), the statistics renewed. Untimed."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql" or db.session.scalar(db.text("SHOW autovacuum")) == "on":
            return
        db.session.remove()
    vacuum(app)


def seeded_on_server(url: str, students: int, users: int = 200):
    """The app on a PostgreSQL database of `students` seeded students (roster_bench_<students>_<schema>)."""
    return seeded_on_postgresql(url, "roster_bench", students, users)[0]


def signed_in_client(app, email="bench@example.org"):
    client = app.test_client()
    with app.app_context():
        user_id = db.session.scalar(db.select(User).filter_by(email=email)).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session["signed_in_at"] = int(time.time())
    return client


def interleaved(cases: dict, rounds: int) -> dict[str, float]:
    """Runs every case once per round, in turn (A B A B …), so noise on a shared machine hits all alike.
    Returns each case's median time in seconds."""
    return {name: wall for name, (wall, _) in timed(cases, rounds).items()}


def timed(cases: dict, rounds: int) -> dict[str, tuple[float, float]]:
    """interleaved(), with each case's median CPU time of this process beside its wall time: what noise on a
    shared machine moves less (a database server's own CPU time is not in it)."""
    times = {name: [] for name in cases}
    for _ in range(rounds):
        for name, run in cases.items():
            start, cpu = time.perf_counter(), time.process_time()
            run()
            times[name].append((time.perf_counter() - start, time.process_time() - cpu))
    return {name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
            for name, values in times.items()}


def machine() -> str:
    return (f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"{platform.system()} {platform.release()}")


def print_table(title: str, rows: list[tuple]):
    """rows: (what, figure A, figure B, ratio, goal) with ratio B/A and its goal as "≤ 1.2", and optionally the
    ratio of CPU times (shown, not judged); prints and returns whether every ratio meets its goal."""
    cpu = any(len(row) > 5 for row in rows)
    print(f"\n## {title}\n")
    print("| what | A | B | B/A | goal | met |" + (" CPU B/A |" if cpu else ""))
    print("|---|---:|---:|---:|---:|:---:|" + ("---:|" if cpu else ""))
    met_all = True
    for what, a, b, ratio, goal, *cpu_ratio in rows:
        limit = float(goal.split()[-1])
        met = ratio <= limit if goal.startswith("≤") else ratio >= limit
        met_all &= met
        extra = f" {cpu_ratio[0]:.2f} |" if cpu_ratio else ""
        print(f"| {what} | {a} | {b} | {ratio:.2f} | {goal} | {'yes' if met else 'NO'} |{extra}")
    return met_all


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"
