"""List pages are drawn from the resources' declarations: what is declared shows, and only that."""

import pytest

from models import Course
from resources import COURSES, STUDENTS, USERS

RESOURCES = [USERS, STUDENTS, COURSES]


@pytest.fixture
def rows(add, people):
    """A row or more of every resource, so every list has a table."""
    add(Course, code="ART-1", title="Art", credits=2)


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_declared_column_has_a_header_and_every_sort_a_link(client, rows, resource):
    html = client.get(f"/{resource.name}").get_data(as_text=True)
    for column in resource.columns:
        assert f">{column.label}<" in html
        if column.sort is not None:
            assert f'href="/{resource.name}?sort=' in html
            assert f"sort={column.name}\"" in html or f"sort=-{column.name}\"" in html


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_every_declared_filter_has_a_control(client, resource):
    html = client.get(f"/{resource.name}").get_data(as_text=True)
    for filter in resource.filters:
        if not filter.related:
            assert f'name="{filter.name}"' in html


@pytest.mark.parametrize("resource, hint", [(USERS, "Name, email or role"),
                                            (STUDENTS, "Name, email, advisor or course code"),
                                            (COURSES, "Code, title or teacher")], ids=lambda r: getattr(r, "name", r))
def test_the_search_box_says_what_it_searches(client, resource, hint):
    html = client.get(f"/{resource.name}").get_data(as_text=True)
    assert f'<span class="hint" id="q-hint">{hint}</span>' in html
    assert 'aria-describedby="q-hint"' in html


def test_a_related_filter_shows_as_a_chip_naming_the_row(client, people):
    users, _ = people
    html = client.get(f"/courses?teacher={users[0]}").get_data(as_text=True)
    assert "Teacher: <strong>Zoë Adams</strong>" in html
    assert f'<input type="hidden" name="teacher" value="{users[0]}">' in html


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.name)
def test_a_sort_the_declaration_does_not_have_falls_back_to_the_default(client, rows, resource):
    html = client.get(f"/{resource.name}?sort=password_hash").get_data(as_text=True)
    assert 'aria-sort="ascending"' in html and f"sort=-{resource.default_sort}\"" in html
