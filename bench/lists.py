"""Students list and search at a large size against a small one, and against a hand-written page (goals 1-3).

    python -m bench.lists --rows 1000000 [--small 1000] [--rounds 30]
"""

import argparse
import re
import sqlite3
from datetime import date
from decimal import Decimal
from html import unescape
from types import SimpleNamespace

from flask import g, render_template
from werkzeug.datastructures import MultiDict

from bench.common import interleaved, machine, make_app, ms, print_table, seeded, signed_in_client
from listing import Page
from resources import STUDENTS

SORTS = ["name", "email", "grade", "gpa", "enrolled"]
SEARCHES = {"common term": "mar", "rare term": "gonzalez.12", "no match": "qxzv", "non-Latin letters": "иван"}


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def next_link(html: str) -> str:
    return unescape(re.search(r'<a href="([^"]+)" rel="next">', html).group(1))


def last_page(html: str) -> int:
    return max(int(n.replace(",", "")) for n in re.findall(r'aria-label="Page \d+">([\d,]+)</a>', html) or ["1"])


def list_urls(client) -> dict[str, str]:
    """The pages goal 1 times: first, middle (as its "Next →" link reaches it) and last, in every order."""
    first = get(client, "/students")
    pages = last_page(first)
    before_middle = get(client, f"/students?page={max(1, pages // 2 - 1)}")
    urls = {"first page": "/students", "middle page": next_link(before_middle), "last page": f"/students?page={pages}"}
    for sort in SORTS:
        for key in (sort, f"-{sort}"):
            urls[f"sorted by {key}"] = f"/students?sort={key}"
            html = get(client, f"/students?sort={key}&page={max(1, pages // 2 - 1)}")
            urls[f"sorted by {key}, middle page"] = next_link(html)
            urls[f"sorted by {key}, last page"] = f"/students?sort={key}&page={pages}"
    return urls


def hand_written(app, path):
    """The first students page as a hand-written view would make it: sqlite3 for the rows, the same template.
    Returns the bare function; also serves it at /bench/students, through Flask like the app's page (sign-in too)."""
    connection = sqlite3.connect(path, check_same_thread=False)
    query = """
        SELECT s.id, s.name, s.email, s.grade, s.gpa, s.enrolled_on, u.id, u.name,
               (SELECT count(*) FROM enrollments e WHERE e.student_id = s.id)
        FROM students s LEFT JOIN users u ON u.id = s.advisor_id ORDER BY s.name, s.id LIMIT 26"""

    def page():
        total = connection.execute("SELECT row_count FROM row_counts WHERE table_name = 'students'").fetchone()[0]
        rows = connection.execute(query).fetchall()
        items = [
            SimpleNamespace(id=id, name=name, email=email, grade=grade,
                            gpa=None if gpa is None else Decimal(gpa).scaleb(-2),
                            enrolled_on=date.fromisoformat(enrolled), course_count=courses,
                            advisor=SimpleNamespace(id=advisor_id, name=advisor) if advisor_id else None)
            for id, name, email, grade, gpa, enrolled, advisor_id, advisor, courses in rows[:25]
        ]
        page = Page(items, total, 1, 25, -(-total // 25), "name", STUDENTS.listing.args(MultiDict()), [],
                    has_next=len(rows) > 25, edges=("1.1.-", "1.1.-"))
        return render_template("list.html", resource=STUDENTS, page=page)

    app.add_url_rule("/bench/students", "bench_students", page)
    user = SimpleNamespace(is_authenticated=True, name="Bench Admin", role="admin", at_least=lambda role: True)

    def bare():
        with app.test_request_context("/bench/students"):
            g._login_user = user  # Flask-Login's place for the signed-in user: no session, no query
            return page()

    return bare


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=30)
    options = parser.parse_args(argv)
    small_path, large_path = seeded(options.small), seeded(options.rows)
    small_app, large_app = make_app(small_path), make_app(large_path)
    bare = hand_written(large_app, large_path)  # before the first request, when Flask still takes new routes
    small, large = signed_in_client(small_app), signed_in_client(large_app)
    small_urls, large_urls = list_urls(small), list_urls(large)
    print(f"# bench.lists: {options.small:,} against {options.rows:,} students, median of {options.rounds} rounds")
    print(f"\n{machine()}")

    cases = {}
    for name in small_urls:
        cases[("small", name)] = lambda url=small_urls[name]: get(small, url)
        cases[("large", name)] = lambda url=large_urls[name]: get(large, url)
    for name, term in SEARCHES.items():
        cases[("search", name)] = lambda term=term: get(large, f"/students?q={term}")
    cases[("search", "two letters (no index; no goal)")] = lambda: get(large, "/students?q=zq")
    cases[("raw", "bare")] = bare
    cases[("raw", "view")] = lambda: get(large, "/bench/students")
    times = interleaved(cases, options.rounds)

    rows = [(f"{name} ({options.small:,} → {options.rows:,})", ms(times[("small", name)]), ms(times[("large", name)]),
             times[("large", name)] / times[("small", name)], "≤ 1.2") for name in small_urls]
    met = print_table("Goal 1: a page at the large size against the same page at the small size", rows)
    unfiltered = times[("large", "first page")]
    rows = [(f"search: {name}", ms(unfiltered), ms(times[("search", name)]), times[("search", name)] / unfiltered,
             "≤ 2" if "no goal" not in name else "≤ 1000") for name in [n for kind, n in cases if kind == "search"]]
    met &= print_table(f"Goal 2: searches at {options.rows:,} (B) against the unfiltered first page (A)", rows)
    rows = [("hand-written view, served by the app like its page", ms(times[("raw", "view")]), ms(unfiltered),
             unfiltered / times[("raw", "view")], "≤ 1.5"),
            ("hand-written function, no request handling (no goal)", ms(times[("raw", "bare")]), ms(unfiltered),
             unfiltered / times[("raw", "bare")], "≤ 1000")]
    met &= print_table(f"Goal 3: the app's first page at {options.rows:,} (B) against a hand-written one (A)", rows)
    print(f"\nEvery goal met: {'yes' if met else 'NO'}")


if __name__ == "__main__":
    main()
