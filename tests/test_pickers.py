"""Search-then-pick: the typed term stays, too many matches ask for more, the chosen rows are sorted, and people of
the same name are told apart."""

import re

from helpers import read
from models import Course, Student, User


def test_a_picker_search_keeps_the_term_in_its_box(client):
    html = client.post("/students/new", data={"advisor_id_q": "young", "then": "find"}).get_data(as_text=True)
    assert 'name="advisor_id_q" value="young"' in html


def test_saving_after_a_search_saves_instead_of_searching_again(client, app, add):
    ada = add(User, name="Ada Lovelace", email="ada@example.org")
    data = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "3", "enrolled_on": "2024-09-01",
            "advisor_id": ada, "advisor_id_q": "ada", "advisor_id_searched": "ada", "then": "view"}
    assert client.post("/students/new", data=data).status_code == 302
    assert read(app, Student)[0].advisor_id == ada


def test_a_term_changed_since_the_last_search_searches_again(client, app):
    data = {"name": "Ana Ruiz", "advisor_id_q": "cy", "advisor_id_searched": "ada", "then": "view"}
    assert client.post("/students/new", data=data).status_code == 200
    assert read(app, Student) == []


def test_more_than_eight_matches_ask_for_more_of_the_name(client, add):
    add.many(User, [{"name": f"Teacher {n}", "email": f"t{n}@example.org"} for n in range(9)])
    html = client.post("/students/new", data={"advisor_id_q": "teacher", "then": "find"}).get_data(as_text=True)
    assert "More than 8 match: type more of the name." in html


def test_eight_matches_do_not_ask_for_more(client, add):
    add.many(User, [{"name": f"Teacher {n}", "email": f"t{n}@example.org"} for n in range(8)])
    html = client.post("/students/new", data={"advisor_id_q": "teacher", "then": "find"}).get_data(as_text=True)
    assert "type more" not in html


def test_chosen_courses_are_sorted_by_code_as_the_student_page_sorts_them(client, add):
    ids = add.many(Course, [{"code": code, "title": "T", "credits": 1} for code in ("ZOO-1", "ART-1", "MATH-1")])
    html = client.post("/students/new", data={"course_ids": ids, "then": "find"}).get_data(as_text=True)
    assert re.findall(r'checked> <span>(\w+-1) ', html) == ["ART-1", "MATH-1", "ZOO-1"]


def test_picker_matches_tell_people_of_the_same_name_apart(client, add):
    add.many(User, [{"name": "Aaron Bradford", "email": f"aaron{n}@example.org"} for n in (1, 2)])
    html = client.post("/students/new", data={"advisor_id_q": "aaron", "then": "find"}).get_data(as_text=True)
    assert "aaron1@example.org" in html and "aaron2@example.org" in html


def test_the_delete_confirmation_tells_a_student_apart_by_email_and_grade(client, add):
    id = add(Student, name="Aaron Bradford", email="aaron.b@school.example", grade=7)
    html = client.get(f"/students/{id}/confirm-delete").get_data(as_text=True)
    assert "“Aaron Bradford” (aaron.b@school.example, grade 7) will be deleted" in html


def test_the_edit_heading_tells_a_student_apart(client, add):
    id = add(Student, name="Aaron Bradford", email="aaron.b@school.example", grade=7)
    html = client.get(f"/students/{id}/edit").get_data(as_text=True)
    assert '<span class="subtitle">aaron.b@school.example, grade 7</span>' in html


def test_the_saved_message_tells_a_student_apart(client, add):
    id = add(Student, name="Aaron Bradford", email="aaron.b@school.example", grade=7)
    data = {"name": "Aaron Bradford", "email": "aaron.b@school.example", "grade": "7", "enrolled_on": "2024-09-01",
            "version": "1"}
    html = client.post(f"/students/{id}/edit", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Saved student “Aaron Bradford” (aaron.b@school.example, grade 7)." in html
