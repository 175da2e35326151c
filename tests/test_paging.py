"""Paging by cursor, from either end and past the count cap: every row once, in order, whichever way a page is reached."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from models import Student

PER_PAGE = 10


@pytest.fixture
def school(add):
    """35 students with ties in every sort column and no GPA for some, so cursors meet equal and empty values."""
    rows = [
        {"name": f"Kid {n % 7}", "email": f"kid{n:02}@school.example", "grade": 1 + n % 3,
         "gpa": None if n % 4 == 0 else Decimal("2.50") + Decimal(n % 5) / 4, "enrolled_on": date(2024, 1, 1 + n % 3)}
        for n in range(35)
    ]
    add.many(Student, rows)
    return rows


def names_and_emails(html: str) -> list[str]:
    return re.findall(r"<td data-label=\"Email\">([a-z0-9.]+@school\.example)</td>", html.replace("<wbr>", ""))


def link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return unescape(found.group(1)) if found else None


def walk(client, url: str, rel: str) -> list[str]:
    """Every row, following one kind of link ("next" or "prev") from `url` to the end."""
    seen = []
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += names_and_emails(html) if rel == "next" else list(reversed(names_and_emails(html)))
        url = link(html, rel)
    return seen


def in_order(client, sort: str) -> list[str]:
    html = client.get(f"/students?sort={sort}&per_page=100").get_data(as_text=True)
    return names_and_emails(html)


@pytest.mark.parametrize("sort", ["name", "-name", "grade", "-grade", "gpa", "-gpa", "enrolled", "-enrolled", "email"])
def test_next_links_show_every_row_once_in_order(client, school, sort):
    expected = in_order(client, sort)
    assert len(expected) == 35
    assert walk(client, f"/students?sort={sort}&per_page={PER_PAGE}", "next") == expected


@pytest.mark.parametrize("sort", ["name", "-gpa", "gpa"])
def test_previous_links_from_the_last_page_show_every_row_once(client, school, sort):
    expected = in_order(client, sort)
    assert walk(client, f"/students?sort={sort}&per_page={PER_PAGE}&page=4", "prev") == list(reversed(expected))


def test_a_page_two_away_is_the_same_by_cursor_or_by_number(client, school):
    html = client.get(f"/students?sort=gpa&per_page={PER_PAGE}").get_data(as_text=True)
    two_away = unescape(re.search(r'<a href="([^"]+)" aria-label="Page 3">', html).group(1))
    assert "cursor=" in two_away
    by_cursor = names_and_emails(client.get(two_away).get_data(as_text=True))
    assert by_cursor == in_order(client, "gpa")[20:30]


@pytest.mark.parametrize("sort", ["name", "-gpa", "grade", "enrolled"])
@pytest.mark.parametrize("cursor", [
    "1.x.zzz", "1.99999999999999999999.-", "1.1.i99999999999999999999", "1.1.nNaN", "1.1.n1e400", "1.1.sa\x00b",
    "1.1.sKid", "1.1.i2", "1.1.d2024-01-02", "1.1.t2024-01-02T00:00:00",
])
def test_a_tampered_cursor_falls_back_to_the_page_number(client, school, sort, cursor):
    """Made up, too large for the database, or from another sort: ignored, never an error."""
    response = client.get("/students", query_string={"per_page": PER_PAGE, "page": 2, "sort": sort, "cursor": cursor})
    assert response.status_code == 200
    if not ("Kid" in cursor and sort == "name" or "i2" in cursor and sort == "grade"
            or "d2024" in cursor and sort == "enrolled"):  # those are cursors of this sort, used as such
        assert names_and_emails(response.get_data(as_text=True)) == in_order(client, sort)[10:20]


@pytest.mark.parametrize("cap, few", [(5, 2), (100, 2), (100, 100)], ids=["like", "walk", "index"])
def test_every_search_strategy_finds_the_same_rows_in_order(app, client, school, cap, few):
    expected = [email for email in in_order(client, "-gpa") if email.startswith("kid1")]
    app.config.update(LIST_COUNT_CAP=cap, LIST_INDEX_THEN_SORT=few)
    assert walk(client, f"/students?q=kid1&sort=-gpa&per_page={PER_PAGE // 2}", "next") == expected


def test_a_count_past_the_cap_says_more_than(app, client, school):
    app.config.update(LIST_COUNT_CAP=20)
    html = client.get(f"/students?q=school&per_page={PER_PAGE}").get_data(as_text=True)
    assert "Showing 1–10 of more than 20 students" in html
    assert link(html, "next")


def test_the_unfiltered_total_follows_inserts_and_deletes(client, school):
    assert "of 35 students" in client.get("/students").get_data(as_text=True)
    student_id = client.post("/students/new", data={
        "name": "New Kid", "email": "new@school.example", "grade": "2", "enrolled_on": "2024-09-01", "then": "view",
    }).headers["Location"].rsplit("/", 1)[-1]
    assert "of 36 students" in client.get("/students").get_data(as_text=True)
    client.post(f"/students/{student_id}/delete")
    assert "of 35 students" in client.get("/students").get_data(as_text=True)
