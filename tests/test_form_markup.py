"""The forms' markup keeps the HTML rules that the Nu HTML checker holds it to in the browser tests (test_html_valid.py),
on every run; the role, whose select may not say `required`, is required all the same; and a label says
"(optional)" only on a field that may be left empty."""

import re
from html.parser import HTMLParser

import pytest

from helpers import PASSWORD, read
from models import Student, User


class Selects(HTMLParser):
    """Each <select> of a page: its attributes and those of its first option."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[tuple[dict, dict | None]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "select":
            self.found.append((dict(attrs), None))
        elif tag == "option" and self.found and self.found[-1][1] is None:
            self.found[-1] = (self.found[-1][0], dict(attrs))


# Every page with a select: the forms, and the lists (their filters).
WITH_SELECTS = ["/users/new", "/users/{admin}/edit", "/students/new", "/courses/new", "/students", "/courses", "/users"]


@pytest.mark.parametrize("path", WITH_SELECTS)
def test_a_required_select_starts_with_an_empty_option(client, app, path):
    """Else the page is invalid HTML: a required select must open with a placeholder that has an empty value."""
    admin = read(app, User, email="root@example.org")[0].id
    html = client.get(path.format(admin=admin)).get_data(as_text=True)
    for select, first_option in Selects(html).found:
        if "required" in select and "multiple" not in select and int(select.get("size") or 1) <= 1:
            assert first_option is not None and first_option.get("value") == "", f"<select name={select['name']}>"


def test_the_role_select_has_no_required_attribute(client):
    (role,) = [select for select, _ in Selects(client.get("/users/new").get_data(as_text=True)).found if select["name"] == "role"]
    assert "required" not in role


def test_the_role_is_not_marked_optional(client):
    label_line = client.get("/users/new").get_data(as_text=True).split('<label for="role">')[1].split("</div>")[0]
    assert label_line == "Role</label>"


def test_an_empty_role_is_refused(client, app):
    response = client.post("/users/new", data={"name": "Ana", "email": "ana@example.org", "role": ""})
    assert "Choose “Role”." in response.get_data(as_text=True)
    assert read(app, User, email="ana@example.org") == []


def label_line(html: str, label: str) -> str:
    """What follows a field's label up to the end of its label line: "" or " (optional)"."""
    after = re.search(rf">{re.escape(label)}\s*(?=<)(?:</label>)?(.*?)</(?:div|legend)>", html, re.S).group(1)
    return re.sub(r"<[^>]+>", "", after).strip()


@pytest.mark.parametrize("action", ["enroll", "unenroll"])
def test_the_course_of_a_bulk_enrollment_is_not_marked_optional(client, add, action):
    add(Student, name="Ana", email="ana@school.example", grade=3)
    html = client.post("/students/bulk", data={"action": action, "all": "1", "query": ""}).get_data(as_text=True)
    assert label_line(html, "Course") == ""
    assert "> None</label>" not in html  # no course is not a choice
    html = client.post("/students/bulk", data={"action": action, "all": "1", "query": "", "course_id": "",
                                               "then": "preview"}).get_data(as_text=True)
    assert "Choose a course." in html


def test_the_new_password_again_is_required(client, app):
    assert label_line(client.get("/account/password").get_data(as_text=True), "New password again") == ""
    html = client.post("/account/password", data={"current_password": PASSWORD, "new_password": "a new long passphrase",
                                                  "confirm": ""}).get_data(as_text=True)
    assert "Fill in “New password again”." in html and "The two passwords differ." not in html


def test_the_setup_password_again_is_required(empty_app):
    client = empty_app.test_client()
    assert label_line(client.get("/setup").get_data(as_text=True), "Password again") == ""
    html = client.post("/setup", data={"name": "First", "email": "first@example.org", "password": PASSWORD,
                                       "confirm": ""}).get_data(as_text=True)
    assert "Fill in “Password again”." in html
    assert read(empty_app, User) == []


def test_an_optional_field_is_still_marked_optional(client):
    assert label_line(client.get("/students/new").get_data(as_text=True), "Birthday") == "(optional)"
    assert label_line(client.get("/students/new").get_data(as_text=True), "Advisor") == "(optional)"
