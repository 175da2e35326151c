"""Each benchmark in bench/ runs at a tiny size and prints its table, so none of them rots between `make bench` runs.
The figures at these sizes mean nothing; only that the scripts work is checked."""

import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bench.common import signed_in_client
from bench.hand_written import hand_written
from models import Student, User, db

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "arguments",
    [
        ["bench.lists", "--rows", "120", "--small", "60", "--huge", "200", "--rounds", "1"],
        ["bench.writes", "--rows", "50", "--seconds", "0.5", "--rounds", "1", "--workers", "2"],
        ["bench.seed", "--rows", "300", "--rounds", "1"],
        ["bench.search", "--rows", "300", "--small", "60", "--rounds", "1"],
        ["bench.bulk", "--rows", "600", "--rounds", "1", "--delete", "30"],
        ["bench.history", "--rows", "100", "--saves", "3", "--rounds", "1", "--few", "200", "--many", "400",
         "--big", "50"],
        ["bench.transfer", "--students", "300", "--rows", "50"],
    ],
    ids=lambda arguments: arguments[0],
)
def test_benchmark_runs_and_prints_its_table(arguments, tmp_path):
    environment = {**os.environ, "ROSTER_BENCH_DATA": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", *arguments], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "| what | A | B | B/A | goal | met |" in result.stdout
    assert "Every goal met:" in result.stdout


@pytest.mark.backends("sqlite")
def test_goal_5s_hand_written_page_is_the_apps_first_page(make_app):
    """bench.lists' goal 5 compares the app's first students page with a hand-written one: it must be the same page
    (the same rows, row names, links and printout header), or the comparison measures less work."""
    app = make_app()
    with app.app_context():
        db.create_all()
        db.session.add(User(name="Bench Admin", email="bench@example.org", role="admin"))
        db.session.commit()
    lisa = User(name="Lisa Padilla", email="lisa@example.org")
    with app.app_context():
        db.session.add(lisa)
        db.session.commit()
        db.session.add_all(Student(name=f"Student {n:02}", email=f"s{n}@school.example", grade=n % 12 + 1,
                                   gpa=None if n % 3 else Decimal("3.25"), advisor_id=lisa.id if n % 2 else None)
                           for n in range(30))
        db.session.commit()
    hand_written(app, Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")))
    client = signed_in_client(app)
    apps_page = client.get("/students").get_data(as_text=True)
    hand_page = client.get("/bench/students").get_data(as_text=True).replace("/bench/students", "/students")
    assert "Student 00" in apps_page and "Select Student 00" in apps_page and "sorted by Name" in apps_page
    assert hand_page == apps_page.replace('<a href="/students" aria-current="page">Students</a>',
                                          '<a href="/students">Students</a>')  # the nav's mark of the list's own page
