"""Finding things at a large size: word searches, short terms, related fields, every filter, the search across
everything and the accent-aware sort, timed interleaved against the unfiltered list page (issue 16, issue 17 item 2).

    python -m bench.search --rows 1000000 [--small 1000] [--rounds 20] [--database-url postgresql+psycopg://…]
"""

import argparse

from sqlalchemy import func

from bench.common import (interleaved, machine, make_app, ms, print_table, seeded, seeded_on_postgresql,
                          signed_in_client)
from bench.lists import get
from models import Course, Student, User, db


def on_postgresql(url: str, students: int):
    return seeded_on_postgresql(url, "roster_bench_search", students)[0]


def terms(app) -> dict:
    """Search terms and filter values taken from the data itself, so they match what the seed made."""
    with app.app_context():
        someone = db.session.get(Student, db.session.scalar(func.max(Student.id).select()) // 2)
        first, last = someone.name.split(" ", 1)
        advisor = db.session.scalar(db.select(User).where(User.advisees.any()).order_by(User.id))
        course = db.session.scalar(db.select(Course).order_by(Course.id))
    return {"someone": someone, "first": first, "last": last, "advisor": advisor, "course": course}


def cases_for(client, found) -> dict:
    """What each case requests: (list it is measured against, url)."""
    advisor, course = found["advisor"], found["course"]
    return {
        "one word, common (garcia)": ("/students", "/students?q=garcia"),
        # a first name: its matches sort together, where the name walk reaches them late; "Mario" names an advisor too
        "one word, a first name (mario)": ("/students", "/students?q=mario"),
        "one word, rare (a surname and number)": ("/students", f"/students?q={found['someone'].email.split('@')[0]}"),
        "two words, common (maria garcia)": ("/students", "/students?q=maria+garcia"),
        "two words, surname first (a student's name)": ("/students", f"/students?q={found['last']}+{found['first']}"),
        "one letter, common (m)": ("/students", "/students?q=m"),
        "one letter, rare (x)": ("/students", "/students?q=x"),
        "two letters, common (ma)": ("/students", "/students?q=ma"),
        "two letters, rare (zq)": ("/students", "/students?q=zq"),
        "related: an advisor's surname": ("/students", f"/students?q={advisor.name.split()[-1]}"),
        "related: a course code": ("/students", f"/students?q={course.code}"),
        "filter: two grades": ("/students", "/students?grade=3&grade=4"),
        "filter: an advisor": ("/students", f"/students?advisor={advisor.id}"),
        "filter: no advisor": ("/students", "/students?advisor=none"),
        "filter: a course": ("/students", f"/students?course={course.id}"),
        "filter: two grades and no advisor, searched (mar)": ("/students", "/students?grade=3&grade=4&advisor=none&q=mar"),
        "filter: users by role": ("/users", "/users?role=viewer"),
        "filter: inactive users": ("/users", "/users?active=no"),
        "filter: users who advise": ("/users", "/users?advises=yes"),
        "filter: courses with no teacher": ("/courses", "/courses?teacher=none"),
        "filter: courses by credits": ("/courses", "/courses?credits=3"),
        "search across everything (garcia)": ("/students", "/search?q=garcia"),
        "search across everything, as typed (gar)": ("/students", "/search?q=gar&partial=1"),
    }


def measure(small_app, large_app, label: str, rows: int, small_rows: int, rounds: int) -> bool:
    small, large = signed_in_client(small_app), signed_in_client(large_app)
    planned = cases_for(large, terms(large_app))
    cases = {("base", url): (lambda url=url: get(large, url)) for url in {base for base, _ in planned.values()}}
    for name, (_, url) in planned.items():
        cases[("case", name)] = lambda url=url: get(large, url)
    for sort in ("name", "-name"):
        cases[("small sort", sort)] = lambda sort=sort: get(small, f"/students?sort={sort}")
        cases[("large sort", sort)] = lambda sort=sort: get(large, f"/students?sort={sort}")
    times = interleaved(cases, rounds)

    def row(name, goal):
        base = times[("base", planned[name][0])]
        return f"{name}: {planned[name][1]}", ms(base), ms(times[("case", name)]), times[("case", name)] / base, goal

    met = print_table(f"{label}: searches and filters at {rows:,} (B) against the same list unfiltered (A)",
                      [row(name, "≤ 2") for name in planned if not name.startswith("search across")])
    met &= print_table(f"{label}: the search across everything at {rows:,} (B) against the students list (A)",
                       [row(name, "≤ 3") for name in planned if name.startswith("search across")])
    sorts = [(f"sorted by {sort} ({small_rows:,} → {rows:,})", ms(times[("small sort", sort)]),
              ms(times[("large sort", sort)]), times[("large sort", sort)] / times[("small sort", sort)], "≤ 1.2")
             for sort in ("name", "-name")]
    return met & print_table(f"{label}: the accent-aware name order at {rows:,} (B) against {small_rows:,} (A)", sorts)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--database-url", help="a PostgreSQL server to measure on too")
    options = parser.parse_args(argv)
    print(f"# bench.search: {options.rows:,} students, median of {options.rounds} rounds\n\n{machine()}")
    apps = {"SQLite": (make_app(seeded(options.small)), make_app(seeded(options.rows)))}
    if options.database_url:
        apps["PostgreSQL"] = (on_postgresql(options.database_url, options.small),
                              on_postgresql(options.database_url, options.rows))
    met = True
    for label, (small_app, large_app) in apps.items():
        met &= measure(small_app, large_app, label, options.rows, options.small, options.rounds)
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
