"""What a session is about to write to the recorded rows (users, students, courses), read off the ORM's attribute
history before the flush: each row created, edited (the fields that changed) or deleted (every field, and what
referred to it), and the enrollments added or removed. records.history writes it down."""

from dataclasses import dataclass, field

from sqlalchemy import inspect

from models import Course, Enrollment, Student, User, db

RECORDED = (User, Student, Course)
NOT_RECORDED = {"id", "search_text", "sort_name", "sort_title", "created_at", "updated_at", "version", "session_token", "password_hash"}
PASSWORD = "password"  # recorded as [had one before, has one after]
KEPT_ON_DELETE = ("created_at",)  # not an edit's, but a deleted row's too, so that Restore brings it back as it was
# A deleted student's (or course's) enrollments as rows: the other side's id and these, so that Restore puts them back
# as they were (the date enrolled). Not the copies of the student's name and GPA: the triggers fill those in.
# A student's edit that takes them off courses keeps those enrollments alike (not the course's: one side is enough).
ENROLLMENTS = "enrollments"
KEPT_WITH_ENROLLMENT = ("enrolled_on",)


@dataclass
class Entry:
    """One row's part of a change, gathered before the flush."""

    record: object
    action: str  # create, edit, delete
    fields: dict = field(default_factory=dict)
    label: str = ""
    names: dict = field(default_factory=dict)  # the names of related rows its fields name, as given with them


def gather(session) -> dict:
    entries = {}
    for row in session.new:
        if isinstance(row, RECORDED):
            entries[row] = Entry(row, "create")
    for row in session.deleted:
        if isinstance(row, RECORDED):
            kept = snapshot(row) | {name: getattr(row, name) for name in KEPT_ON_DELETE}
            before = {name: [value, None] for name, value in kept.items()}
            entries[row] = Entry(row, "delete", before | referred_to(row), label=str(row))
    for row in session.dirty:
        if isinstance(row, RECORDED) and row not in entries and (fields := changed_fields(row)):
            entries[row] = Entry(row, "edit", fields)
    return entries


def snapshot(row) -> dict:
    """Every recorded field's value."""
    values = {name: getattr(row, name) for name in recorded_columns(type(row))}
    if isinstance(row, User):
        values[PASSWORD] = row.password_hash is not None
    return values


def recorded_columns(model) -> list[str]:
    return [column.key for column in model.__table__.columns if column.key not in NOT_RECORDED]


def changed_fields(row) -> dict:
    state, fields = inspect(row), {}
    for name in [*recorded_columns(type(row)), "password_hash"] if isinstance(row, User) else recorded_columns(type(row)):
        history = state.attrs[name].history
        if not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if name == "password_hash":
            fields[PASSWORD] = [before is not None, after is not None]
        elif before != after:
            fields[name] = [before, after]
    return fields


def referred_to(row) -> dict:
    """What the database unlinks or removes with a deleted row, so that bringing it back can relink it."""
    if not isinstance(row, (Student, Course)):
        return {}  # a user's advisees and courses: each their own change (unlink)
    name, other, mine = ("course_ids", Enrollment.course_id, Enrollment.student_id) if isinstance(row, Student) else \
        ("student_ids", Enrollment.student_id, Enrollment.course_id)
    kept = [Enrollment.__table__.columns[name] for name in KEPT_WITH_ENROLLMENT]
    rows = db.session.execute(db.select(other, *kept).where(mine == row.id)).all()
    enrollments = [{other.key: id, **dict(zip(KEPT_WITH_ENROLLMENT, values))} for id, *values in rows]
    return {name: [[id for id, *_ in rows], None], ENROLLMENTS: [enrollments, None]}


def changed_enrollments(session) -> list[tuple[Enrollment, str]]:
    """Enrollments added ("+") or removed ("-"): directly, or through a student's list of them."""
    found = {}
    for enrollment in session.new:
        if isinstance(enrollment, Enrollment):
            found[enrollment] = "+"
    for enrollment in session.deleted:
        if isinstance(enrollment, Enrollment):
            found[enrollment] = "-"
    for student in session.dirty:
        if isinstance(student, Student):
            history = inspect(student).attrs.enrollments.history
            found |= {e: "+" for e in history.added} | {e: "-" for e in history.deleted}
    return list(found.items())
