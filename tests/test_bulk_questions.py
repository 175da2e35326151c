"""What a bulk action's confirmation asks, and how: only the questions the selection makes worth asking, each
named for screen readers (a group of radios by its legend), no attribute pointing at an element that is not there."""

import re

from helpers import read
from models import Student, User


def grades(add, *grades):
    return add.many(Student, [{"name": f"Student {i}", "email": f"s{i}@school.example", "grade": grade}
                              for i, grade in enumerate(grades)])


def post(client, **form):
    response = client.post("/students/bulk", data={"action": "move-up", "query": "", **form})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_move_up_without_grade_12_students_asks_nothing_about_grade_12(client, add):
    grades(add, 9, 9, 11)
    html = post(client, all="1")
    assert "Students in grade 12" not in html and "delete the grade 12" not in html
    assert 'name="twelfth"' not in html and 'name="delete_twelfth"' not in html
    assert "Grade 9 → 10: 2 students." in html and "Grade 11 → 12: 1 student." in html  # straight to what happens


def test_move_up_asks_about_grade_12_only_when_the_ticked_rows_hold_some(client, app, add):
    nine, twelve = grades(add, 9, 12)
    assert "Students in grade 12" not in post(client, id=[str(nine)])
    html = post(client, id=[str(nine), str(twelve)])
    assert "<legend>Students in grade 12</legend>" in html


def test_move_up_of_grade_11_alone_leaves_grade_12_students_outside_the_selection(client, app, add):
    eleven, twelve = grades(add, 11, 12)
    html = post(client, id=[str(eleven)], then="preview")
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    response = client.post("/students/bulk", data={"action": "move-up", "query": "", "id": [str(eleven)],
                                                   "twelfth": "delete", "delete_twelfth": "y", **hidden, "then": "run"})
    assert response.status_code == 302
    assert {s.id: s.grade for s in read(app, Student)} == {eleven: 12, twelve: 12}  # not deleted: it was not asked


def test_the_grade_12_choice_is_a_named_group_with_its_second_yes_inside_and_nothing_optional(client, add):
    grades(add, 12)
    html = post(client, all="1")
    group = html[html.index("<fieldset"):html.index("</fieldset>")]
    assert "<legend>Students in grade 12</legend>" in group
    assert re.search(r'<label class="check"><input[^>]*type="radio"[^>]*value="keep"[^>]*> Stay in grade 12</label>',
                     group)
    assert re.search(r'<label class="check"><input[^>]*name="delete_twelfth"[^>]*> Yes, delete the grade 12 students'
                     r'</label>', group)
    assert "(optional)" not in html and "<ul" not in group
    html = post(client, all="1", twelfth="delete", then="preview")
    box = re.search(r'<input[^>]*name="delete_twelfth"[^>]*>', html).group(0)
    assert 'aria-describedby="delete_twelfth-error"' in box
    assert 'id="delete_twelfth-error"' in html and "Tick this to confirm" in html


def test_the_include_me_box_points_only_at_an_error_that_is_shown(client, app, add):
    root = read(app, User)[0]
    add(User, name="Second Admin", email="second@example.org", role="admin")
    form = {"action": "set-role", "id": [str(root.id)], "query": "", "role": "editor"}
    html = client.post("/users/bulk", data={**form, "then": "preview"}).get_data(as_text=True)
    box = re.search(r'<input[^>]*name="include_me"[^>]*>', html).group(0)
    assert "aria-describedby" not in box and '="None"' not in html
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    html = client.post("/users/bulk", data={**form, **hidden, "then": "run"}).get_data(as_text=True)
    box = re.search(r'<input[^>]*name="include_me"[^>]*>', html).group(0)
    assert 'aria-describedby="include_me-error"' in box and 'id="include_me-error"' in html
