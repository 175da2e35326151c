import re

import pytest

from database.schema_extras import row_counts
from models import Course, Student, User, db


def names(response):
    """The names in the list's table, in order."""
    return re.findall(r'<td data-label="Name"><a href="/(?:users|students)/\d+">([^<]*)</a>(?:<span class="matched">[^<]*</span>)?</td>',
                      response.get_data(as_text=True))


@pytest.fixture
def many_students(add):
    """60 students over three grades, so sorting by grade has many ties."""
    return add.many(Student, [{"name": f"Student {n:02}", "email": f"s{n}@school.example", "grade": n % 3 + 1} for n in range(60)])


def test_home_shows_counts_and_links(client, people):
    html = client.get("/").get_data(as_text=True)
    assert ">5<" in html and ">3<" in html  # 4 users and the admin; 3 students
    assert 'href="/users"' in html and 'href="/students"' in html


@pytest.mark.parametrize("path", ["/students", "/courses"])
def test_empty_list_says_so(client, path):
    assert "There are no" in client.get(path).get_data(as_text=True)


def test_list_shows_25_rows_and_total(client, many_students):
    response = client.get("/students")
    assert len(names(response)) == 25
    assert "Showing 1–25 of 60 students" in response.get_data(as_text=True)


@pytest.mark.parametrize("per_page, rows", [(10, 10), (50, 50), (100, 60)])
def test_rows_per_page_can_be_chosen(client, many_students, per_page, rows):
    assert len(names(client.get(f"/students?per_page={per_page}"))) == rows


def test_sort_by_name_then_reverse(client, people):
    assert names(client.get("/users?sort=name")) == ["María José", "Omar 50%_off", "Root Admin", "Zoë Adams", "Иван Петров"]
    assert names(client.get("/users?sort=-name")) == ["Иван Петров", "Zoë Adams", "Root Admin", "Omar 50%_off", "María José"]


@pytest.mark.parametrize("sort", ["age", "-age"])
def test_empty_values_sort_last_both_ways(client, people, sort):
    ages = {"Omar 50%_off": 29, "Zoë Adams": 34, "Иван Петров": 51}
    no_age = ["Root Admin", "María José"]  # the admin every test app has, then María: ties go by id
    expected = sorted(ages, key=ages.get, reverse=sort.startswith("-")) + (no_age[::-1] if sort.startswith("-") else no_age)
    assert names(client.get(f"/users?sort={sort}")) == expected


def test_sort_header_shows_direction_and_links_to_reverse(client, people):
    html = client.get("/users?sort=age").get_data(as_text=True)
    assert re.search(r'aria-sort="ascending">\s*<a href="/users\?sort=-age"', html)
    html = client.get("/users?sort=-age").get_data(as_text=True)
    assert re.search(r'aria-sort="descending">\s*<a href="/users\?sort=age"', html)


def test_paging_through_ties_shows_every_row_once(client, many_students):
    seen = []
    for page in (1, 2, 3):
        seen += names(client.get(f"/students?sort=-grade&per_page=25&page={page}"))
    assert sorted(seen) == sorted(f"Student {n:02}" for n in range(60))


@pytest.mark.parametrize(
    "term, expected",
    [
        ("zoe", ["Zoë Adams"]),  # accents ignored
        ("ZOË", ["Zoë Adams"]),  # case ignored
        ("иван", ["Иван Петров"]),  # other scripts fold case too
        ("maria jose", ["María José"]),
        ("IVAN@EXAMPLE", ["Иван Петров"]),  # email searched too
        ("50%_", ["Omar 50%_off"]),  # LIKE wildcards are literal
        ("%", []),  # a short term is the start of a name, its wildcard literal too
        ("om", ["Omar 50%_off"]),
    ],
)
def test_search_ignores_case_and_accents(client, people, term, expected):
    assert names(client.get("/users", query_string={"q": term})) == expected


def test_search_finds_chinese_names(client, people):
    assert names(client.get("/students", query_string={"q": "王小"})) == ["王小明"]
    assert names(client.get("/students", query_string={"q": "王小明"})) == ["王小明"]


def test_no_match_offers_to_clear(client, people):
    html = client.get("/users?q=nobody-here").get_data(as_text=True)
    assert "No users match “nobody-here”" in html
    assert 'href="/users">Clear the search and filters' in html


def test_grade_filter(client, people):
    assert names(client.get("/students?grade=3")) == ["Ana Álvarez", "Bea Brown"]


def test_age_range_filter(client, people):
    assert names(client.get("/users?age_min=30&age_max=51")) == ["Zoë Adams", "Иван Петров"]


def test_page_links_keep_search_filter_and_sort(client, many_students):
    html = client.get("/students?q=student&grade=2&sort=-name&per_page=10").get_data(as_text=True)
    assert 'href="/students?q=student&amp;sort=-name&amp;per_page=10&amp;grade=2&amp;page=2"' in html


def test_the_default_sort_named_is_the_same_list_as_no_sort(client, many_students):
    """A typed or bookmarked ?sort=name is the list as it comes: its links and form do not carry it."""
    def page(path):  # but for what changes with the clock: the CSRF token's signature, the printed time
        html = client.get(path).get_data(as_text=True)
        return re.sub(r'name="csrf_token" value="[^"]*"|printed [^·]*·', "", html)

    named = page("/students?sort=name&per_page=10")
    assert 'href="/students?per_page=10&amp;page=2&amp;cursor=' in named and "sort=name" not in named
    assert named == page("/students?per_page=10")


def test_a_query_string_is_read_once_and_kept(app):
    """Everyone who asks for the same list shares one reading of its query string; a course's students too."""
    from werkzeug.datastructures import MultiDict

    from resources import STUDENTS

    listing = STUDENTS.listing
    first = listing.args(MultiDict([("grade", "3"), ("grade", "4"), ("q", "ana")]))
    assert listing.args(MultiDict([("grade", "3"), ("grade", "4"), ("q", "ana")])) is first
    assert first.value("grade") == [3, 4] and first.value("q") == "ana"
    assert listing.args(MultiDict([("grade", "4"), ("grade", "3"), ("q", "ana")])).value("grade") == [4, 3]
    assert listing.within(Student.grade == 3).args(MultiDict([("grade", "3"), ("grade", "4"), ("q", "ana")])) is first


def test_page_beyond_the_last_shows_the_last(client, many_students):
    response = client.get("/students?page=999")
    assert "Showing 51–60 of 60 students" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        "page=-1",
        "page=abc",
        "page=0",
        "page=99999999999999999999999",
        "per_page=100000",
        "per_page=abc",
        "sort=unknown",
        "sort=-",
        "sort=--name",
        "sort=name;drop table students",
        "grade=13",
        "grade=abc",
        "q=%00",
        "q=" + "x" * 10_000,
        "age_min=abc&age_max=-5",
    ],
)
@pytest.mark.parametrize("path", ["/users", "/students"])
def test_nonsense_query_is_ignored(client, many_students, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert "Showing 1–" in response.get_data(as_text=True) or path == "/users"


def test_oversized_per_page_falls_back_to_default(client, many_students):
    assert len(names(client.get("/students?per_page=100000"))) == 25


def test_list_runs_the_same_statements_for_10_and_100_rows(client, add, count_statements):
    add.many(User, [{"name": f"User {n}", "email": f"u{n}@example.org"} for n in range(120)])
    count_statements.clear()
    client.get("/users?per_page=10")
    ten = len(count_statements)
    count_statements.clear()
    client.get("/users?per_page=100")
    assert len(count_statements) == ten


def test_total_is_counted_where_no_row_count_is_kept(app, client, many_students):
    with app.app_context():
        db.session.execute(db.delete(row_counts).where(row_counts.c.table_name == "students"))
        db.session.commit()
    assert "Showing 1–25 of 60 students" in client.get("/students").get_data(as_text=True)
    assert ">60<" in client.get("/").get_data(as_text=True)


def test_each_row_links_its_page_and_advisor_under_the_apps_prefix(client, add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org")
    ids = add.many(Student, [{"name": f"Student {n}", "email": f"s{n}@school.example", "grade": 9,
                              "advisor_id": lisa if n else None} for n in range(3)])
    for prefix in ("", "/roster"):
        html = client.get("/students", environ_overrides={"SCRIPT_NAME": prefix}).get_data(as_text=True)
        links = re.findall(r'<td data-label="(?:Name|Advisor)"><a href="([^"]*)">', html)
        assert links == [f"{prefix}/students/{ids[0]}", f"{prefix}/students/{ids[1]}", f"{prefix}/users/{lisa}",
                         f"{prefix}/students/{ids[2]}", f"{prefix}/users/{lisa}"]
        html = client.get("/users?q=lisa", environ_overrides={"SCRIPT_NAME": prefix}).get_data(as_text=True)
        assert f'<a href="{prefix}/students?advisor={lisa}">2</a>' in html


def test_a_lists_rows_are_plain_rows_that_read_as_their_records(app, add, people):
    """A list page loads no record (listing/rows.py): its rows hold the columns it shows, computed ones too, and name
    themselves as records do."""
    from werkzeug.datastructures import MultiDict

    from resources import COURSES, STUDENTS

    users, _ = people
    add(Student, name="Cid Costa", email="cid@school.example", grade=4, advisor_id=users[1])
    add(Course, code="ART-1", title="Drawing", credits=2, teacher_id=users[0])
    with app.test_request_context("/"):
        db.session.expunge_all()
        rows = STUDENTS.listing.page(STUDENTS.listing.args(MultiDict())).items
        courses = COURSES.listing.first_rows(COURSES.listing.args(MultiDict()), 10)
        assert rows and courses and not db.session.identity_map
        assert [(str(row), row.email, row.grade, row.advisor_name, row.course_count) for row in rows] == [
            ("Ana Álvarez", "ana@school.example", 3, None, 0), ("Bea Brown", "bea@school.example", 3, None, 0),
            ("Cid Costa", "cid@school.example", 4, "Иван Петров", 0), ("王小明", "wang@school.example", 7, None, 0)]
        assert [(str(row), row.teacher_name, row.student_count) for row in courses] == [
            ("ART-1 Drawing", "Zoë Adams", 0)]


@pytest.mark.parametrize("path", ["/students", "/students?sort=-name", "/students?q=bea", "/students?q=petrov",
                                  "/students?grade=3", "/students?grade=3&q=ana"])
def test_a_lists_statements_are_built_once_for_everyone(app, client, people, path):
    """The first page of a list runs the same statements for everyone who asks for it: its total, a search's related
    rows and its rows are built once and kept, not built and cache-keyed again by SQLAlchemy on every request."""
    from sqlalchemy import event

    executed = []

    def seen(connection, statement, *args):
        executed.append(statement)

    def statements():
        executed.clear()
        assert client.get(path).status_code == 200
        return {str(s): s for s in executed if "users.id = :pk" not in str(s)}  # not the signed-in user, loaded by the ORM

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_execute", seen)
    try:
        first, again = statements(), statements()
    finally:
        event.remove(engine, "before_execute", seen)
    assert len(first) >= 2 and first.keys() == again.keys()
    assert [text for text in first if again[text] is not first[text]] == []
