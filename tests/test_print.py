"""Printouts: a course's class list and any filtered list of students, every row up to the print limit."""

import re

import pytest

from models import Course, Enrollment, Student, db


def printed_names(html):
    return re.findall(r'<td data-label="Name"><a href="/students/\d+">([^<]*)</a>', html)


def enrolled(app, add, count):
    course = add(Course, code="MATH-1", title="Algebra", credits=3)
    students = add.many(Student, [{"name": f"Student {n:02}", "email": f"s{n}@school.example", "grade": n % 3 + 1}
                                  for n in range(count)])
    with app.app_context():
        db.session.add_all(Enrollment(student_id=id, course_id=course) for id in students)
        db.session.commit()
    return course


def test_class_list_prints_every_student_not_a_page(app, client, add):
    course = enrolled(app, add, 30)
    html = client.get(f"/courses/{course}/print").get_data(as_text=True)
    assert printed_names(html) == [f"Student {n:02}" for n in range(30)]
    assert "MATH-1 Algebra: class list" in html and "30 students" in html


def test_class_list_prints_the_students_its_page_was_searched_for(app, client, add):
    course = enrolled(app, add, 30)
    html = client.get(f"/courses/{course}/print?q=student+2").get_data(as_text=True)  # both words, anywhere
    assert printed_names(html) == [f"Student {n:02}" for n in range(30) if "2" in f"{n:02}"]


def test_student_printout_follows_the_lists_filters_and_sort(client, add):
    add.many(Student, [{"name": f"Student {n:02}", "email": f"s{n}@school.example", "grade": n % 3 + 1} for n in range(9)])
    html = client.get("/students/print?grade=1&sort=-name").get_data(as_text=True)
    assert printed_names(html) == ["Student 06", "Student 03", "Student 00"]
    assert "Grade: 1; sorted by Name, Z to A" in html


@pytest.mark.parametrize("sort, said", [("gpa", "sorted by GPA, lowest first"), ("-gpa", "sorted by GPA, highest first"),
                                        ("enrolled", "sorted by Enrolled, oldest first"),
                                        ("-enrolled", "sorted by Enrolled, newest first"), ("name", "sorted by Name<")])
def test_a_printout_says_its_order_in_the_words_of_its_column(client, add, sort, said):
    add(Student, name="Ana", email="ana@school.example", grade=3)
    assert said in client.get(f"/students/print?sort={sort}").get_data(as_text=True)


def test_a_printout_stops_at_the_limit_and_says_so(app, client, add):
    app.config["PRINT_LIMIT"] = 5
    add.many(Student, [{"name": f"Student {n:02}", "email": f"s{n}@school.example"} for n in range(7)])
    html = client.get("/students/print").get_data(as_text=True)
    assert len(printed_names(html)) == 5
    assert "a printout holds up to 5, so narrow the search to print the rest" in html


def test_a_printout_heads_every_sheet_with_the_school_title_and_date(app, client, add):
    app.config["SCHOOL_NAME"] = "Hill Street School"
    course = enrolled(app, add, 1)
    html = client.get(f"/courses/{course}/print").get_data(as_text=True)
    head = html[html.index("<thead>"):html.index("</thead>")]
    assert "Hill Street School · MATH-1 Algebra: class list" in head


def test_the_students_list_links_its_printout_with_its_search(client):
    html = client.get("/students?q=ana&grade=3").get_data(as_text=True)
    assert 'href="/students/print?q=ana&amp;grade=3"' in html


def test_the_course_page_links_its_class_list(app, client, add):
    course = enrolled(app, add, 1)
    assert f'href="/courses/{course}/print"' in client.get(f"/courses/{course}").get_data(as_text=True)


def test_every_page_is_headed_for_print_by_the_school_and_the_list_search(app, client):
    app.config["SCHOOL_NAME"] = "Hill Street School"
    html = client.get("/students?grade=3").get_data(as_text=True)
    assert re.search(r'<p class="print-only print-header">Hill Street School · printed .* · Grade: 3; sorted by Name</p>', html)
