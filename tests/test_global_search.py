"""The search across students, users and courses: the header's box on every page and its results page (issue 16)."""

import pytest

from models import Course, Student, User


@pytest.fixture
def school(add):
    padilla = add(User, name="Lisa Padilla", email="lisa@staff.example")
    add(Student, name="Ana Padilla", email="ana@school.example", grade=3)
    add(Student, name="Bea Brown", email="bea@school.example", grade=3, advisor_id=padilla)
    add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=padilla)
    return padilla


@pytest.mark.parametrize("path", ["/", "/students", "/users", "/courses", "/changes"])
def test_every_page_has_the_search_box_in_its_header(client, path):
    html = client.get(path).get_data(as_text=True)
    assert '<form class="global-search" method="get" action="/search"' in html


def test_results_are_grouped_by_kind_with_a_link_to_all_matching(client, school):
    html = client.get("/search?q=padilla").get_data(as_text=True)
    assert html.index('id="results-students"') < html.index('id="results-users"') < html.index('id="results-courses"')
    assert 'href="/students/' in html and ">Ana Padilla" in html and ">Lisa Padilla" in html and ">MATH-101 Algebra" in html
    assert 'href="/students?q=padilla" data-result>All 2 students matching →' in html
    assert "The 1 course matching →" in html and "All 1 " not in html


def test_a_search_that_finds_nothing_says_so(client, school):
    assert "Nothing matches “qqqq”." in client.get("/search?q=qqqq").get_data(as_text=True)


def test_the_partial_results_are_only_the_results(client, school):
    html = client.get("/search?q=padilla&partial=1").get_data(as_text=True)
    assert html.lstrip().startswith("<div class=\"search-results\"") and "<html" not in html


def test_save_and_continue_editing_comes_back_to_the_form(client, school):
    response = client.post("/students/new", data={"name": "Cy Doe", "email": "cy@school.example", "grade": "3",
                                                  "enrolled_on": "2024-09-01", "then": "continue"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")


def test_each_kind_is_counted_up_to_its_own_cap_and_the_list_counts_further(client, add, monkeypatch):
    monkeypatch.setattr("views.search.COUNTED", 3)
    add.many(Student, [{"name": f"Kid Moreno {n}", "email": f"kid{n}@school.example", "grade": 3} for n in range(5)])
    assert "All more than 3 students matching →" in client.get("/search?q=moreno").get_data(as_text=True)
    assert "of 5 students" in client.get("/students?q=moreno").get_data(as_text=True)
