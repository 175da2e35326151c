"""What the home page shows of the roster: how many students each grade has, the largest courses, and the signed-in
person's own advisees and courses."""

from sqlalchemy import func, select

from models import Course, Enrollment, Student, db

SHOWN = 10  # a person's own advisees or courses the home page lists before linking to the rest


def students_per_grade() -> list[tuple[int, int]]:
    """(grade, how many students) for grades 1 to 12, a grade with none included: one walk of the grade index."""
    counted = dict(db.session.execute(select(Student.grade, func.count()).group_by(Student.grade)).all())
    return [(grade, counted.get(grade, 0)) for grade in range(1, 13)]


def largest_courses(limit: int = 5) -> list[tuple[Course, int]]:
    """The courses with the most students, most first (by code among equals): one walk of the enrollments' course
    index, then the few courses by id."""
    sizes = (select(Enrollment.course_id, func.count().label("size")).group_by(Enrollment.course_id)
             .order_by(func.count().desc(), Enrollment.course_id).limit(limit).subquery())
    rows = db.session.execute(select(Course, sizes.c.size).join(sizes, Course.id == sizes.c.course_id)).all()
    return sorted(((course, size) for course, size in rows), key=lambda row: (-row[1], row[0].code))


def own_advisees(user_id: int) -> list[Student]:
    """The first SHOWN students `user_id` advises, by name."""
    query = select(Student).where(Student.advisor_id == user_id).order_by(Student.name, Student.id).limit(SHOWN)
    return db.session.scalars(query).all()


def own_courses(user_id: int) -> list[Course]:
    """The first SHOWN courses `user_id` teaches, by code."""
    return db.session.scalars(select(Course).where(Course.teacher_id == user_id).order_by(Course.code).limit(SHOWN)).all()
