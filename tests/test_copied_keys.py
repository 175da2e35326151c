"""Each enrollment carries its student's sort_name and GPA (database/copied_keys.py): a course's students by name or
GPA are read from an index of the enrollments, so the copies must follow every way an enrollment is made and every
new name or GPA."""

import re

from sqlalchemy import insert

from helpers import read
from models import Course, Enrollment, Student, db
from test_bulk import confirm
from test_undo import STUDENT, new_student, undo


def stale(app) -> list:
    """The enrollments whose copy of the name or GPA is not their student's."""
    with app.app_context():
        return db.session.execute(
            db.select(Enrollment.student_id, Enrollment.student_sort_name, Enrollment.student_gpa)
            .join(Student, Student.id == Enrollment.student_id)
            .where(db.or_(db.func.coalesce(Enrollment.student_sort_name, "-") != Student.sort_name,
                          db.func.coalesce(Enrollment.student_gpa, -1) != db.func.coalesce(Student.gpa, -1)))).all()


def names_on(client, course: int, sort: str = "name") -> list[str]:
    html = client.get(f"/courses/{course}?sort={sort}").get_data(as_text=True)
    return list(dict.fromkeys(re.findall(r"ruiz\.(\w+)@school\.example", html.replace("<wbr>", ""))))  # twice a row


def test_every_way_of_enrolling_copies_the_name_and_a_new_name_follows(app, client, add):
    math, art = add(Course, code="MATH-1", title="Algebra", credits=1), add(Course, code="ART-1", title="Art", credits=1)
    ids = {}
    for name in ("Carla", "Ana", "Bea"):  # the form: the ORM's enrollments
        ids[name] = new_student(client, app, name=f"{name} Ruiz", email=f"ruiz.{name.lower()}@school.example",
                                course_ids=[str(math)])
    confirm(client, "/students/bulk", action="enroll", all="1", query="q=ruiz", course_id=str(art))  # INSERT … SELECT
    with app.app_context():  # a statement that leaves the name out
        db.session.add(dora := Student(name="Dora Ruiz", email="ruiz.dora@school.example", grade=3))
        db.session.flush()
        db.session.execute(insert(Enrollment).values(student_id=dora.id, course_id=math))
        db.session.commit()
    client.post(f"/students/{ids['Bea']}/delete")
    undo(client, app)  # the deleted student's enrollments back, by inserts of many rows
    client.get("/")  # its message shown
    assert stale(app) == [] and len(read(app, Enrollment)) == 7
    assert names_on(client, math) == ["ana", "bea", "carla", "dora"]
    assert names_on(client, math, "-name") == ["dora", "carla", "bea", "ana"]

    client.post(f"/students/{ids['Ana']}/edit", data={**STUDENT, "name": "Zoe Ruiz", "email": "ruiz.ana@school.example",
                                                      "course_ids": [str(math), str(art)], "version": "2"})
    client.get("/")
    assert read(app, Student, id=ids["Ana"])[0].name == "Zoe Ruiz"
    assert stale(app) == []
    assert names_on(client, math) == ["bea", "carla", "dora", "ana"]
    assert names_on(client, art) == ["bea", "carla", "ana"]

    assert names_on(client, math, "-gpa") == ["bea", "ana", "carla", "dora"]  # 3.00 each, by id; Dora has none
    client.post(f"/students/{ids['Carla']}/edit", data={**STUDENT, "name": "Carla Ruiz", "gpa": "3.50",
                                                        "email": "ruiz.carla@school.example",
                                                        "course_ids": [str(math)], "version": "2"})
    client.get("/")
    assert stale(app) == []
    assert names_on(client, math, "-gpa") == ["carla", "bea", "ana", "dora"]
    assert names_on(client, math, "gpa") == ["ana", "bea", "carla", "dora"]
