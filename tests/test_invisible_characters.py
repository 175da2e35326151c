"""Characters no one sees are refused in every text a person types: the text-direction controls, which turn the
message around a name backwards, and the zero-width ones, which make a name that looks like another. The joiners
that scripts spell with are kept."""

import pytest

from helpers import read
from models import Course, SavedView, Student, User
from test_import import confirm, counts, preview, text

INVISIBLE = {"right-to-left override": "\u202e", "left-to-right embedding": "\u202a", "first strong isolate": "\u2068",
             "pop directional isolate": "\u2069", "zero width space": "\u200b", "word joiner": "\u2060",
             "byte order mark": "\ufeff"}
MESSAGE = "Remove the invisible characters (such as text-direction marks or zero-width spaces) from this field."
STUDENT = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "5", "enrolled_on": "2024-09-01"}
FORMS = {
    "student name": ("/students/new", STUDENT, "name", Student),
    "student email": ("/students/new", STUDENT, "email", Student),
    "user name": ("/users/new", {"name": "Ada", "email": "ada@example.org", "role": "viewer"}, "name", User),
    "course title": ("/courses/new", {"code": "ART-2", "title": "Drawing", "credits": "2"}, "title", Course),
    "saved view name": ("/views", {"resource": "students", "query": "grade=3", "name": "Grade 3"}, "name", SavedView),
}


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=INVISIBLE.keys())
@pytest.mark.parametrize("form", FORMS, ids=FORMS.keys())
def test_an_invisible_character_is_a_field_error_and_nothing_is_written(client, app, form, character):
    path, data, field, model = FORMS[form]
    before = len(read(app, model))
    value = data[field]
    response = client.post(path, data={**data, field: value[:2] + character + value[2:]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="{field}-error"><p>{MESSAGE}</p>' in html
    assert len(read(app, model)) == before


def test_the_saved_message_after_a_name_reads_forwards(client, app):
    """The report's case: an override in the name turned the email and grade after it backwards."""
    response = client.post("/students/new", data={**STUDENT, "name": "\u202eRTL override"}, follow_redirects=True)
    assert MESSAGE in response.get_data(as_text=True)
    assert read(app, Student) == []


@pytest.mark.parametrize("name", ["Mehr\u200cnaz Karimi", "Nikhil \u0915\u094d\u200d\u0937"], ids=["zwnj", "zwj"])
def test_the_joiners_scripts_spell_with_are_kept(client, app, name):
    response = client.post("/students/new", data={**STUDENT, "name": name})
    assert response.status_code == 302
    assert read(app, Student)[0].name == name


def test_a_line_separator_is_a_control_character(client, app):
    response = client.post("/students/new", data={**STUDENT, "name": "Ana\u2028Ruiz"})
    assert "Remove the control characters" in response.get_data(as_text=True)
    assert read(app, Student) == []


def test_an_import_cannot_bring_them_in(client, app):
    data = "Name,Email,Grade\n\u202eAna Ruiz,ana@school.example,3\nBea\u200b Brown,bea@school.example,4\n"
    response, address = preview(client, data.encode())
    page = text(response)
    assert counts(response)[-1] == 2
    assert f"2 Name {MESSAGE}" in page and f"3 Name {MESSAGE}" in page
    assert confirm(client, address, response).status_code == 400
    assert read(app, Student) == []


def test_a_search_pasted_with_a_zero_width_space_still_finds(client, add):
    add(Student, name="Bea Brown", email="bea@school.example", grade=4)
    html = client.get("/students?q=Be\u200ba").get_data(as_text=True)
    assert "Bea Brown" in html and MESSAGE not in html
