"""What the home page shows of the roster: how many students each grade has, the largest courses, and the signed-in
person's own advisees and courses."""

import time
from functools import wraps
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import func, select

from models import Course, Enrollment, Student, db

SHOWN = 10  # a person's own advisees or courses the home page lists before linking to the rest
# The charts read every student and every enrollment (1.3 s at 1,000,000 students on SQLite): each worker keeps
# their figures this long, so the home page pays that once in a while, not on every visit.
CHART_MAX_AGE = 300
_kept = WeakKeyDictionary()  # per app: {function name: (when, figures)}


def kept_a_while(compute):
    """The figures `compute` returns, kept CHART_MAX_AGE seconds per app (a test's new app starts afresh)."""

    @wraps(compute)
    def figures():
        kept = _kept.setdefault(current_app._get_current_object(), {})
        when, value = kept.get(compute.__name__, (None, None))
        if when is None or time.monotonic() - when > CHART_MAX_AGE:
            value = compute()
            kept[compute.__name__] = (time.monotonic(), value)
        return value

    return figures


@kept_a_while
def students_per_grade() -> list[tuple[int, int]]:
    """(grade, how many students) for grades 1 to 12, a grade with none included: one walk of the grade index."""
    counted = dict(db.session.execute(select(Student.grade, func.count()).group_by(Student.grade)).all())
    return [(grade, counted.get(grade, 0)) for grade in range(1, 13)]


@kept_a_while
def largest_courses() -> list[tuple[int, str, str, int]]:
    """(id, code, "CODE Title", how many students) of the 5 courses with the most, most first (by code among equals):
    one walk of the enrollments' course index, then the few courses by id."""
    sizes = (select(Enrollment.course_id, func.count().label("size")).group_by(Enrollment.course_id)
             .order_by(func.count().desc(), Enrollment.course_id).limit(5).subquery())
    rows = db.session.execute(select(Course.id, Course.code, Course.title, sizes.c.size)
                              .join(sizes, Course.id == sizes.c.course_id)).all()
    return [(id, code, f"{code} {title}", size) for id, code, title, size in sorted(rows, key=lambda r: (-r[3], r[1]))]


def own_advisees(user_id: int) -> list[Student]:
    """The first SHOWN students `user_id` advises, by name."""
    query = select(Student).where(Student.advisor_id == user_id).order_by(Student.sort_name, Student.id).limit(SHOWN)
    return db.session.scalars(query).all()


def own_courses(user_id: int) -> list[Course]:
    """The first SHOWN courses `user_id` teaches, by code."""
    return db.session.scalars(select(Course).where(Course.teacher_id == user_id).order_by(Course.code).limit(SHOWN)).all()
