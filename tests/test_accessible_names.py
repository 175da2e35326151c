"""Names that screen readers and voice control go by: each search landmark of a page has one of its own (axe's
landmark-unique), and a button's name starts with the word it shows (axe's label-content-name-mismatch)."""

import re
from html.parser import HTMLParser

import pytest

from models import Course, Enrollment, Student


class SearchLandmarks(HTMLParser):
    """The aria-label of each element with role="search" (None where it has none)."""

    def __init__(self, html: str):
        super().__init__()
        self.names: list[str | None] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("role") == "search" or tag == "search":
            self.names.append(attrs.get("aria-label"))


@pytest.fixture
def course(add):
    course = add(Course, code="ART-051", title="Drawing", credits=2)
    student = add(Student, name="Bea Brown", email="bea@school.example", grade=4)
    add(Enrollment, student_id=student, course_id=course)
    return course


@pytest.mark.parametrize("path", ["/", "/students", "/courses", "/users", "/sign-ins", "/search?q=bea",
                                  "/no/such/page", "/courses/{course}", "/courses/{course}/enroll"])
def test_each_search_landmark_has_a_name_of_its_own(client, course, path):
    response = client.get(path.format(course=course))
    names = SearchLandmarks(response.get_data(as_text=True)).names
    assert len(names) >= 2, names  # the header's search, and the page's own
    assert None not in names and len(set(names)) == len(names), names
    assert "Search everything" in names


def test_a_lists_filters_are_named_for_the_list(client):
    assert "Filter students" in SearchLandmarks(client.get("/students").get_data(as_text=True)).names


def test_the_course_pages_remove_buttons_are_named_starting_with_remove(client, course):
    html = client.get(f"/courses/{course}").get_data(as_text=True)
    buttons = re.findall(r'<button[^>]*aria-label="([^"]*)"[^>]*>Remove</button>', html)
    assert buttons == ["Remove Bea Brown (bea@school.example) from ART-051"]
