"""The home page: a search box, counts that link to the lists, the roster in two charts with their tables, the
signed-in person's own advisees and courses, and the latest changes."""

import re

from models import Course, Enrollment, Student, User, db


def test_home_has_a_student_search_box(client):
    html = client.get("/").get_data(as_text=True)
    assert re.search(r'<form class="home-search" method="get" action="/students"', html) and 'name="q"' in html


def test_grade_chart_names_each_grades_count_on_hover(client, add):
    add.many(Student, [{"name": f"S{n}", "email": f"s{n}@school.example", "grade": 3} for n in range(4)])
    titles = re.findall(r"<title>([^<]*)</title>", client.get("/").get_data(as_text=True).split("<svg ", 1)[1])
    assert "Grade 3: 4 students" in titles and "Grade 4: 0 students" in titles  # a grade with no one is shown as such


def test_charts_come_with_their_numbers_as_a_table(client, add):
    add(Student, name="Ana", email="ana@school.example", grade=2)
    html = client.get("/").get_data(as_text=True)
    table = html[html.index('<div class="chart-table">'):]
    assert '<td><a href="/students?grade=2">2</a></td><td class="num">1</td>' in table


def test_each_bar_opens_what_it_counts_and_leaves_screen_readers_and_the_keyboard_to_the_table(client, add):
    add(Student, name="Ana", email="ana@school.example", grade=2)
    svg = client.get("/").get_data(as_text=True).split("<svg ", 1)[1].split("</svg>", 1)[0]
    assert svg.startswith('viewBox="0 0 480 200" aria-hidden="true"')
    assert '<a href="/students?grade=2" tabindex="-1" aria-hidden="true"><title>Grade 2: 1 student</title>' in svg


def test_largest_courses_are_listed_most_students_first(app, client, add):
    small, large = add.many(Course, [{"code": "ART-1", "title": "Art", "credits": 1},
                                     {"code": "MATH-1", "title": "Maths", "credits": 1}])
    students = add.many(Student, [{"name": f"S{n}", "email": f"s{n}@school.example"} for n in range(3)])
    with app.app_context():
        db.session.add_all([Enrollment(student_id=s, course_id=large) for s in students]
                           + [Enrollment(student_id=students[0], course_id=small)])
        db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert re.findall(r"<title>([A-Z]+-1 [^<]*)</title>", html) == ["MATH-1 Maths: 3 students", "ART-1 Art: 1 student"]


def test_home_lists_the_signed_in_persons_own_advisees_and_courses(app, client, add):
    with app.app_context():
        me = db.session.scalar(db.select(User.id).where(User.email == "root@example.org"))
    other = add(User, name="Other Teacher", email="other@example.org")
    add(Student, name="Mine Advisee", email="mine@school.example", advisor_id=me)
    add(Student, name="Not Mine", email="theirs@school.example", advisor_id=other)
    add(Course, code="OWN-1", title="Taught by me", credits=1, teacher_id=me)
    html = client.get("/").get_data(as_text=True)
    assert "Mine Advisee" in html and "Not Mine" not in html and "OWN-1" in html


def test_home_shows_recent_changes(client):
    client.post("/students/new", data={"name": "Ana Ruiz", "email": "ana@school.example", "grade": "3",
                                        "enrolled_on": "2024-09-01"})
    html = client.get("/").get_data(as_text=True)
    section = html[html.index('id="recent-changes"'):]
    assert "added" in section and "Ana Ruiz" in section
