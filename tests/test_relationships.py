"""Advisors, teachers and enrollments: visible and editable from both sides."""

import re
from datetime import date

import pytest
from sqlalchemy import delete, event, insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from helpers import read
from models import Course, Enrollment, Student, User, db


@pytest.fixture
def school(app, add):
    """Ada advises Ana and Bea and teaches MATH-101; Ana takes MATH-101 and ART-1; Cy has no one."""
    ids = {}
    ids["ada"] = add(User, name="Ada Lovelace", email="ada@example.org")
    ids["cy"] = add(User, name="Cy Young", email="cy@example.org")
    ids["math"] = add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=ids["ada"])
    ids["art"] = add(Course, code="ART-1", title="Drawing", credits=2)
    ids["ana"] = add(Student, name="Ana Álvarez", email="ana@school.example", advisor_id=ids["ada"])
    ids["bea"] = add(Student, name="Bea Brown", email="bea@school.example", advisor_id=ids["ada"])
    ids["cal"] = add(Student, name="Cal Cruz", email="cal@school.example")
    enroll(app, ids["ana"], ids["math"], ids["art"])
    return ids


def enroll(app, student_id, *course_ids):
    with app.app_context():
        db.session.add_all(Enrollment(student_id=student_id, course_id=id) for id in course_ids)
        db.session.commit()


def course_ids_of(app, student_id):
    return sorted(e.course_id for e in read(app, Enrollment, student_id=student_id))


def student_form(student_id=None, **changes):
    data = {"name": "Ana Álvarez", "email": "ana@school.example", "grade": "5", "enrolled_on": "2024-09-01"}
    return {**data, **changes}


def test_students_list_shows_linked_advisor_and_course_count(client, school):
    html = client.get("/students?sort=name").get_data(as_text=True)
    assert f'<a href="/users/{school["ada"]}">Ada Lovelace</a>' in html
    assert '<td class="num" data-label="Courses">2</td>' in html


def test_users_list_shows_advisee_count_linking_to_the_students(client, school):
    html = client.get("/users").get_data(as_text=True)
    assert f'<a href="/students?advisor={school["ada"]}">2</a>' in html


def test_courses_list_shows_teacher_and_student_count(client, school):
    html = client.get("/courses").get_data(as_text=True)
    assert f'<a href="/users/{school["ada"]}">Ada Lovelace</a>' in html
    assert f'<a href="/students?course={school["math"]}">1</a>' in html


@pytest.mark.parametrize(
    "path, shown, hidden",
    [
        ("/students?advisor={ada}", ["Ana Álvarez", "Bea Brown"], ["Cal Cruz"]),
        ("/students?course={art}", ["Ana Álvarez"], ["Bea Brown", "Cal Cruz"]),
        ("/courses?teacher={ada}", ["MATH-101"], ["ART-1"]),
    ],
)
def test_filter_by_related_row_shows_a_removable_chip(client, school, path, shown, hidden):
    html = client.get(path.format(**school)).get_data(as_text=True)
    assert all(name in html for name in shown)
    assert not any(name in html for name in hidden)
    assert 'class="chips"' in html and "Remove filter" in html


def test_user_detail_lists_advisees_and_courses_taught(client, school):
    html = client.get(f"/users/{school['ada']}").get_data(as_text=True)
    assert "Advises 2 students" in html and "Teaches 1 course" in html
    assert f'href="/students/{school["bea"]}"' in html and f'href="/courses/{school["math"]}"' in html


@pytest.mark.backends("sqlite")
def test_a_teachers_first_courses_are_read_in_order_from_an_index(app):
    """A user's page lists the first courses they teach by code: PostgreSQL walked every course's code for them
    (3,570 rows for a teacher of 173 at 40,000 courses), SQLite would sort all of a teacher's courses."""
    with app.app_context():
        query = "EXPLAIN QUERY PLAN SELECT id FROM courses WHERE teacher_id = 1 ORDER BY code LIMIT 10"
        plan = " ".join(row[-1] for row in db.session.execute(db.text(query)))
    assert "ix_courses_teacher_id_code" in plan and "TEMP B-TREE" not in plan, plan


def test_student_detail_shows_advisor_and_courses(client, school):
    html = client.get(f"/students/{school['ana']}").get_data(as_text=True)
    assert f'<a href="/users/{school["ada"]}">Ada Lovelace</a>' in html
    assert "Takes 2 courses" in html and "MATH-101" in html and "ART-1" in html


def test_course_detail_pages_through_its_students(client, app, school, add):
    for student_id in add.many(Student, [{"name": f"Extra {n:02}", "email": f"x{n}@school.example"} for n in range(12)]):
        enroll(app, student_id, school["art"])
    html = client.get(f"/courses/{school['art']}?per_page=10&page=2").get_data(as_text=True)
    assert "13 students enrolled" in html
    assert "Extra 10" in html and "Extra 00" not in html
    assert f'href="/courses/{school["art"]}?per_page=10"' in html  # back to page 1, same course


def test_student_form_saves_advisor_and_courses_together(client, app, school):
    data = student_form(advisor_id=school["cy"], course_ids=[school["art"]])
    assert client.post(f"/students/{school['ana']}/edit", data=data).status_code == 302
    assert read(app, Student, id=school["ana"])[0].advisor_id == school["cy"]
    assert course_ids_of(app, school["ana"]) == [school["art"]]


def test_student_form_keeps_enrollment_date_of_kept_courses(client, app, school):
    with app.app_context():
        db.session.get(Enrollment, (school["ana"], school["art"])).enrolled_on = date(2020, 1, 1)
        db.session.commit()
    client.post(f"/students/{school['ana']}/edit", data=student_form(course_ids=[school["art"], school["math"]]))
    assert str(read(app, Enrollment, student_id=school["ana"], course_id=school["art"])[0].enrolled_on) == "2020-01-01"


def test_student_form_clears_advisor_and_courses(client, app, school):
    client.post(f"/students/{school['ana']}/edit", data=student_form(advisor_id=""))
    assert read(app, Student, id=school["ana"])[0].advisor_id is None
    assert course_ids_of(app, school["ana"]) == []


def test_new_student_with_advisor_and_courses(client, app, school):
    data = student_form(email="new@school.example", advisor_id=school["ada"], course_ids=[school["math"], school["art"]])
    client.post("/students/new", data=data)
    student = read(app, Student, email="new@school.example")[0]
    assert student.advisor_id == school["ada"]
    assert course_ids_of(app, student.id) == sorted([school["math"], school["art"]])


def test_picker_search_shows_matches_and_saves_nothing(client, app, school):
    data = student_form(name="Changed", advisor_id_q="young", course_ids_q="draw", then="find")
    response = client.post(f"/students/{school['cal']}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'name="advisor_id" value="{school["cy"]}"' in html and "Cy Young" in html
    assert f'name="course_ids" value="{school["art"]}"' in html and "ART-1 Drawing" in html
    assert 'value="Changed"' in html  # what was typed is kept
    assert read(app, Student, id=school["cal"])[0].name == "Cal Cruz"


def test_a_search_typed_but_not_run_searches_instead_of_saving(client, app, school):
    """Enter in a picker's search box presses Save, the form's default button: the person meant to search."""
    response = client.post(f"/students/{school['cal']}/edit", data=student_form(name="Changed", advisor_id_q="young", then="view"))
    assert response.status_code == 200 and "Cy Young" in response.get_data(as_text=True)
    assert read(app, Student, id=school["cal"])[0].name == "Cal Cruz"


def test_enter_in_a_field_of_a_form_with_pickers_saves(client):
    html = client.get("/students/new").get_data(as_text=True)
    first_button = html[html.index("<button", html.index('class="record-form"')):]
    assert first_button.startswith('<button type="submit" name="then" value="view"')


def test_picker_never_lists_every_row(client, add):
    add.many(User, [{"name": f"Teacher {n}", "email": f"t{n}@example.org"} for n in range(30)])
    html = client.get("/students/new").get_data(as_text=True)
    assert "Teacher 1" not in html  # nothing until searched
    html = client.post("/students/new", data={"advisor_id_q": "teacher", "then": "find"}).get_data(as_text=True)
    assert html.count('name="advisor_id" value="') == 1 + 8  # "None" and the first matches


def test_unknown_advisor_id_is_a_field_error(client, app, school):
    response = client.post(f"/students/{school['cal']}/edit", data=student_form(email="cal@school.example", advisor_id=999))
    assert "no longer exists" in response.get_data(as_text=True)


def test_course_page_enrolls_and_unenrolls(client, app, school):
    html = client.get(f"/courses/{school['art']}/enroll?find=bea").get_data(as_text=True)
    assert "Enroll Bea Brown" in html and "Enroll Ana" not in html  # Ana is enrolled already
    response = client.post(f"/courses/{school['art']}/enrollments", data={"student_id": school["bea"], "find": "bea"})
    assert response.headers["Location"] == f"/courses/{school['art']}/enroll?find=bea"  # back to the search, to enroll more
    client.post(f"/courses/{school['art']}/enrollments", data={"student_id": school["bea"]})  # twice is once
    assert course_ids_of(app, school["bea"]) == [school["art"]]
    response = client.post(f"/courses/{school['art']}/enrollments/{school['bea']}/delete", follow_redirects=True)
    assert "Took “Bea Brown” (bea@school.example, grade " in response.get_data(as_text=True)
    assert course_ids_of(app, school["bea"]) == []


def test_enroll_without_a_student_is_a_400(client, school):
    assert client.post(f"/courses/{school['art']}/enrollments", data={}).status_code == 400


def test_user_delete_page_names_what_happens(client, school):
    html = client.get(f"/users/{school['ada']}/confirm-delete").get_data(as_text=True)
    assert "2 students will lose their advisor" in html and "Bea Brown" in html
    assert "1 course will lose its teacher" in html and "MATH-101" in html


def test_deleting_a_user_unsets_advisor_and_teacher(client, app, school):
    client.post(f"/users/{school['ada']}/delete")
    assert [s.advisor_id for s in read(app, Student)] == [None, None, None]
    assert read(app, Course, code="MATH-101")[0].teacher_id is None


def test_course_delete_page_lists_enrollments(client, school):
    html = client.get(f"/courses/{school['math']}/confirm-delete").get_data(as_text=True)
    assert "1 enrollment will be removed" in html and "Ana Álvarez" in html


def test_deleting_a_course_removes_its_enrollments_only(client, app, school):
    client.post(f"/courses/{school['math']}/delete")
    assert course_ids_of(app, school["ana"]) == [school["art"]]
    assert len(read(app, Student)) == 3


def test_deleting_a_student_removes_their_enrollments(client, app, school):
    html = client.get(f"/students/{school['ana']}/confirm-delete").get_data(as_text=True)
    assert "2 enrollments will be removed" in html
    client.post(f"/students/{school['ana']}/delete")
    assert read(app, Enrollment) == []


def test_database_refuses_an_enrollment_in_a_missing_course(app, school):
    with app.app_context(), pytest.raises(IntegrityError):
        db.session.execute(insert(Enrollment).values(student_id=school["ana"], course_id=999))
        db.session.commit()


def test_student_and_courses_save_together_or_not_at_all(client, app, school):
    """The enrollment, written after the student's own changes, fails: neither is written."""

    def make_the_enrollment_fail(session, flush_context, instances):
        # Within the same transaction, so the rollback must undo it too.
        session.connection().execute(delete(Course).where(Course.id == school["art"]))

    event.listen(Session, "before_flush", make_the_enrollment_fail, once=True)
    try:
        data = student_form(name="Renamed", email="cal@school.example", course_ids=[school["art"]])
        response = client.post(f"/students/{school['cal']}/edit", data=data)
    finally:
        event.remove(Session, "before_flush", make_the_enrollment_fail)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "could not be saved" in html
    assert 'value="Renamed"' in html  # what was typed is kept
    assert read(app, Student, id=school["cal"])[0].name == "Cal Cruz"
    assert course_ids_of(app, school["cal"]) == []
    assert read(app, Course, id=school["art"])  # the failed transaction's delete is undone as well


def test_enroll_search_shows_the_first_matches_by_name_and_says_there_are_more(client, add):
    course = add(Course, code="ART-1", title="Drawing", credits=2)
    add.many(Student, [{"name": f"Zed {letter}", "email": f"zed.{letter}@school.example", "grade": 3}
                       for letter in "ZYXWVUTSRQPO"])
    html = client.get(f"/courses/{course}/enroll?find=zed").get_data(as_text=True)
    names = re.findall(r'aria-label="Enroll (Zed \w) \(', html)
    assert len(names) == 8 and names == sorted(names)
    assert "More than 8 match: type more of the name." in html


def test_course_page_searches_its_own_students(client, app, school):
    html = client.get(f"/courses/{school['art']}?q=ana").get_data(as_text=True)
    assert "1 of them match “ana”" in html and ">Ana Álvarez</a>" in html
    html = client.get(f"/courses/{school['art']}?q=bea").get_data(as_text=True)  # Bea is not in this course
    assert "0 of them match “bea”" in html and "No student matches." in html and "Bea Brown" not in html


def test_a_course_page_filtered_by_advisor_names_the_advisor(client, add):
    advisor = add(User, name="Lisa Padilla", email="lisa@example.org")
    course = add(Course, code="ART-1", title="Art", credits=1)
    student = add(Student, name="Ana", email="ana@school.example", advisor_id=advisor)
    add(Enrollment, student_id=student, course_id=course)
    html = client.get(f"/courses/{course}?advisor={advisor}").get_data(as_text=True)
    assert "Advisor: <strong>Lisa Padilla</strong>" in html and ">Ana</a>" in html
