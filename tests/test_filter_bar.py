"""The filter bar: a control for every declared filter, several values OR-ed, filters AND-ed, related rows picked by
search without JavaScript, and a removable chip for each filter in use (issue 16)."""

import re

import pytest

from helpers import listed_names
from models import Course, Student, User
from resources import COURSES, STUDENTS, USERS


names = listed_names


@pytest.fixture
def school(add):
    padilla = add(User, name="Lisa Padilla", email="lisa@staff.example", role="editor")
    add(User, name="Omar Haddad", email="omar@staff.example", active=False)
    add(Student, name="Ana", email="ana@school.example", grade=3, advisor_id=padilla)
    add(Student, name="Bea", email="bea@school.example", grade=4)
    add(Student, name="Cy", email="cy@school.example", grade=5, advisor_id=padilla)
    add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=padilla)
    add(Course, code="ART-001", title="Drawing", credits=2)
    return padilla


@pytest.mark.parametrize("resource", [USERS, STUDENTS, COURSES], ids=lambda r: r.name)
def test_the_filter_bar_has_a_control_for_every_declared_filter(client, resource):
    html = client.get(f"/{resource.name}").get_data(as_text=True)
    for f in resource.filters:
        assert f'name="{f.name}_find"' in html if f.related else f'name="{f.name}"' in html


def test_several_grades_are_any_of_them(client, school):
    assert names(client, "/students?grade=3&grade=4") == ["Ana", "Bea"]


def test_different_filters_all_apply(client, school):
    assert names(client, f"/students?grade=3&grade=4&advisor={school}") == ["Ana"]


def test_no_advisor_is_a_filter(client, school):
    assert names(client, "/students?advisor=none") == ["Bea"]


def test_courses_without_a_teacher(client, school):
    assert names(client, "/courses?teacher=none") == ["ART-001"]


@pytest.mark.parametrize("query, expected", [
    ("role=editor", ["Lisa Padilla"]), ("role=editor&role=viewer", ["Lisa Padilla", "Omar Haddad", "Root Admin"][:2]),
    ("active=no", ["Omar Haddad"]), ("advises=yes", ["Lisa Padilla"]), ("advises=no&active=yes", ["Root Admin"]),
])
def test_users_filter_by_role_active_and_advising(client, school, query, expected):
    assert names(client, f"/users?{query}") == expected


def test_a_related_filter_is_found_by_search_then_picked_by_a_link(client, school):
    html = client.get("/students?advisor_find=padil").get_data(as_text=True)
    assert f'href="/students?advisor={school}">Lisa Padilla</a>' in html
    assert 'href="/students?advisor=none">No advisor</a>' in html
    assert "Omar Haddad" not in html  # never every row


def test_each_filter_value_in_use_is_a_chip_that_removes_it(client, school):
    html = client.get(f"/students?grade=3&grade=4&advisor={school}").get_data(as_text=True)
    assert re.search(r'Grade: <strong>3</strong>\s*<a href="/students\?grade=4&amp;advisor=\d+"', html)
    assert 'Advisor: <strong>Lisa Padilla</strong>' in html


def test_a_filter_value_that_does_not_validate_is_ignored(client, school):
    assert names(client, "/students?grade=13&advisor=nobody") == ["Ana", "Bea", "Cy"]
