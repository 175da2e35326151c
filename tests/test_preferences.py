"""What each user chooses for themselves: the columns each list shows (remembered, or named in the URL) and the
colour scheme."""

import re

import pytest

from helpers import read
from models import Course, Preferences, Student, User, db


@pytest.fixture
def students(add):
    """A student and a course: a row in two lists."""
    add(Student, name="Ana Álvarez", email="ana@school.example", grade=3)
    add(Course, code="ART-1", title="Drawing", credits=2)


def headers(client, path) -> list[str]:
    """The column headers a list shows, in order (the tick column has none)."""
    head = re.search(r"<thead>(.*?)</thead>", client.get(path).get_data(as_text=True), re.S).group(1)
    return [label for label in re.findall(r">([^<>]+)<", head) if label.strip() and label not in "▲▼↕"]


def choose(client, resource, columns, query=""):
    return client.post("/account/columns", data={"resource": resource, "columns": columns, "query": query})


ALL_STUDENT_COLUMNS = ["Name", "Email", "Grade", "GPA", "Enrolled", "Advisor", "Courses"]


def test_every_column_shows_until_one_chooses(client, students):
    assert headers(client, "/students") == ALL_STUDENT_COLUMNS


def test_the_columns_chosen_are_remembered_and_shown(app, client, client_as, students):
    response = choose(client, "students", ["name", "grade", "advisor"], query="grade=3&page=2&sort=-gpa")
    assert response.status_code == 302 and response.location == "/students?sort=-gpa&grade=3"
    assert "Saved the columns of the students list." in client.get(response.location).get_data(as_text=True)
    assert headers(client, "/students") == ["Name", "Grade", "Advisor"]
    assert headers(client, "/courses") == ["Code", "Title", "Credits", "Teacher", "Students"]  # each list its own
    assert headers(client_as("viewer"), "/students") == ALL_STUDENT_COLUMNS  # each user their own
    [preferences] = read(app, Preferences)
    assert preferences.columns_of("students") == ["name", "grade", "advisor"]


def test_the_column_chooser_ticks_the_columns_shown(client, students):
    choose(client, "students", ["name", "gpa"])
    html = client.get("/students").get_data(as_text=True)
    ticked = re.findall(r'<input type="checkbox" name="columns" value="(\w+)" checked', html)
    assert ticked == ["name", "gpa"]


def test_columns_in_the_url_show_whatever_was_chosen(client, students):
    choose(client, "students", ["name", "email"])
    assert headers(client, "/students?columns=name&columns=gpa&columns=grade") == ["Name", "Grade", "GPA"]
    assert headers(client, "/students") == ["Name", "Email"]


def test_the_lists_links_keep_the_columns_of_the_url(client, add):
    add.many(Student, [{"name": f"S{n:02}", "email": f"s{n}@school.example"} for n in range(12)])
    html = client.get("/students?columns=grade&per_page=10").get_data(as_text=True)
    assert 'href="/students?per_page=10&amp;columns=grade&amp;page=2"' in html  # the next page
    assert 'href="/students?per_page=10&amp;columns=grade&amp;sort=-name"' in html  # a sort


@pytest.mark.parametrize("query, shown", [
    ("columns=bogus&columns=grade", ["Name", "Grade"]),
    ("columns=bogus", ALL_STUDENT_COLUMNS),
    ("columns=password_hash&columns=", ALL_STUDENT_COLUMNS),
    ("columns=grade&columns=grade", ["Name", "Grade"]),
])
def test_unknown_column_names_in_the_url_are_ignored(client, students, query, shown):
    assert headers(client, f"/students?{query}") == shown


def test_unknown_column_names_chosen_are_ignored(app, client, students):
    assert choose(client, "students", ["bogus", "grade", "search_text"]).status_code == 302
    assert headers(client, "/students") == ["Name", "Grade"]
    assert choose(client, "nothing", ["grade"]).status_code == 400


def test_the_name_column_cannot_be_hidden(client, students):
    assert headers(client, "/students?columns=email") == ["Name", "Email"]
    choose(client, "students", ["gpa"])  # the name's box, which the chooser always posts, left out
    assert headers(client, "/students") == ["Name", "GPA"]
    html = client.get("/students").get_data(as_text=True)
    assert '<input type="checkbox" name="columns" value="name" checked disabled>' in html
    assert '<input type="hidden" name="columns" value="name">' in html


def test_a_saved_view_carries_its_columns(client, students):
    client.post("/views", data={"resource": "students", "query": "columns=name&columns=grade", "name": "Grades"})
    html = client.get("/students").get_data(as_text=True)
    assert '<a href="/students?columns=name&amp;columns=grade">Grades</a>' in html
    assert headers(client, "/students?columns=name&columns=grade") == ["Name", "Grade"]


def test_the_colour_scheme_follows_the_system_until_one_chooses(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and '<meta name="color-scheme" content="light dark">' in html
    html = client.get("/account").get_data(as_text=True)
    assert '<input checked id="color_scheme-0" name="color_scheme" required type="radio" value="system">' in html


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_a_chosen_colour_scheme_is_saved_and_every_page_has_it(app, client, client_as, scheme):
    response = client.post("/account", data={"color_scheme": scheme})
    assert response.status_code == 302 and response.location == "/account"
    assert "Saved your colour scheme." in client.get("/account").get_data(as_text=True)
    assert read(app, Preferences)[0].color_scheme == scheme
    for path in ("/", "/students", "/views"):
        html = client.get(path).get_data(as_text=True)
        assert f'<html lang="en" data-theme="{scheme}">' in html
        assert f'<meta name="color-scheme" content="{scheme}">' in html
    assert '<html lang="en">' in client_as("viewer").get("/").get_data(as_text=True)


def test_choosing_the_system_again_takes_the_attribute_away(client):
    client.post("/account", data={"color_scheme": "dark"})
    client.post("/account", data={"color_scheme": "system"})
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_a_colour_scheme_that_is_none_of_the_three_is_refused(app, client):
    response = client.post("/account", data={"color_scheme": "purple"})
    assert response.status_code == 200 and "Not a valid choice." in response.get_data(as_text=True)
    assert read(app, Preferences) == []


def test_choosing_columns_keeps_the_colour_scheme(app, client, students):
    client.post("/account", data={"color_scheme": "dark"})
    choose(client, "students", ["name", "grade"])
    [preferences] = read(app, Preferences)
    assert (preferences.color_scheme, preferences.columns_of("students")) == ("dark", ["name", "grade"])


def test_a_users_preferences_go_with_them(app, client_as):
    viewer = client_as("viewer")
    viewer.post("/account", data={"color_scheme": "dark"})
    assert len(read(app, Preferences)) == 1
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == "viewer@example.org"))
        db.session.commit()
    assert read(app, Preferences) == []
