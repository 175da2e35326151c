"""The preview of an enrollments import lists the new enrollments, as the other imports list their new rows."""

from datetime import date

from models import Course, Enrollment, Student
from test_import import counts, preview, text


def test_the_enrollments_preview_lists_each_new_enrollment_by_student_and_course(client, add):
    ana = add(Student, name="Ana Álvarez", email="ana@school.example", grade=3)
    add(Student, name="Bea Brown", email="bea@school.example", grade=3)
    math = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Course, code="ART-001", title="Drawing", credits=2)
    add(Enrollment, student_id=ana, course_id=math)
    data = ("Student,Course,Enrolled on\nana@school.example,MATH-101,\nana@school.example,art-001,2024-09-02\n"
            "bea@school.example,MATH-101,\n").encode()
    response, _ = preview(client, data, "courses/enrollments")
    page = text(response)
    assert counts(response) == (3, 2, 0, 1, 0)
    assert (f"New enrollments Row Student Course Enrolled on 3 Ana Álvarez ART-001 2024-09-02 "
            f"4 Bea Brown MATH-101 {date.today()}") in page


def test_an_enrollments_file_with_nothing_new_leads_back_to_the_courses(client, add):
    ana = add(Student, name="Ana Álvarez", email="ana@school.example", grade=3)
    math = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Enrollment, student_id=ana, course_id=math)
    response, _ = preview(client, b"Student,Course\nana@school.example,MATH-101\n", "courses/enrollments")
    assert "nothing to import" in text(response) and "Back to courses" in text(response)
