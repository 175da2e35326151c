"""The bulk actions a resource declares (resources.py): what each asks (bulk_forms), what its confirmation says will
happen, with counts and examples, and which set-based change of records.bulk it makes. Those of students and
courses are here; those of users in actions/users.py.

`ids` is always a select of the chosen rows' ids (views/bulk.py makes it from the ticks or from a list's query
string); a preview counts and groups over it, and never loads every row.
"""

from dataclasses import dataclass

from flask import g

from bulk_forms import AdvisorChoice, BulkForm, CourseChoice, GradeChoice, MoveUpChoice, TeacherChoice
from database.backend import likely
from formatting import plural
from models import Course, Student, db
from records import bulk

GROUPS = 5  # the most common current values a preview names; the rest are summed up
SAMPLE = 5  # the rows a confirmation names, for example


@dataclass(frozen=True)
class Action:
    name: str  # in the form's posted `action`
    label: str  # in the list's menu: "Set advisor"
    form: type = BulkForm
    role: str | None = None  # the least role that may take it; the resource's edit_role when None
    danger: bool = False
    lets_go: bool = False  # may take away the access of the person doing it: they must include themselves explicitly

    def run(self, session, resource, ids, form) -> int:
        raise NotImplementedError

    def tally(self, resource, selection) -> tuple[int, list[int]]:
        """How many rows are selected, and the ids of a few of them, first in the list's order, to name."""
        count = db.session.scalar(db.select(db.func.count()).select_from(selection.unordered.subquery()))
        return count, selection.first(SAMPLE, count) if count else []

    def preview(self, resource, ids, form, count: int) -> list[str]:
        """What the confirmation says will happen, beyond how many rows: sentences with counts."""
        return []

    def summary(self, resource, count: int, form) -> str:
        """The change set's name in the history: "set advisor on 312 students"."""
        return f"{self.label[0].lower()}{self.label[1:]} on {plural(count, resource.noun)}"

    def refusal(self, resource, ids, form) -> str | None:
        """Why the action may not run on these rows, if it may not."""
        return None

    def leave_out_moot(self, form) -> None:
        """Takes out of the form what the selection (as counted by `tally`) makes pointless to ask."""


@dataclass(frozen=True)
class SetColumn(Action):
    """Sets one column of every chosen row to what the form says."""

    column: object = None
    field: str = ""  # the form's field holding the new value

    def value(self, form):
        return getattr(form, self.field).data

    def run(self, session, resource, ids, form):
        return bulk.set_field(session, resource.model, ids, self.column, self.value(form))

    def tally(self, resource, selection):
        """One pass over the rows, grouped by the column's value, for how many and the preview's figures (a search
        matching thousands of rows costs one evaluation, not one per figure shown); then the first rows in the list's
        order to name, as every action names them."""
        g.bulk_groups = db.session.execute(
            db.select(self.column, db.func.count()).where(bulk.among(resource.model, selection.unordered))
            .group_by(self.column).order_by(db.func.count().desc(), self.column)).all()
        count = sum(n for _, n in g.bulk_groups)
        return count, selection.first(SAMPLE, count) if count else []

    def preview(self, resource, ids, form, count):
        value, noun = self.value(form), resource.noun
        groups = [(v, n) for v, n in g.bulk_groups]
        names = self.names([v for v, _ in groups[:GROUPS + 1]] + [value])
        unchanged = next((n for v, n in groups if v == value), 0)
        what = self.label.removeprefix("Set ").lower()
        if self.column.key in bulk.history.RELATED:
            lines = [f"{plural(count - unchanged, noun)} will get {names.get(value, 'no one')} as {what}."]
        else:
            lines = [f"{plural(count - unchanged, noun)} will have {names[value]}."]
        shown = [(v, n) for v, n in groups if v != value]
        if shown:
            lines.append("Now: " + ", ".join(f"{names.get(v, f'no {what}')} ({n:,})" for v, n in shown[:GROUPS])
                         + (f" and {plural(sum(n for _, n in shown[GROUPS:]), 'other')}." if len(shown) > GROUPS else "."))
        if unchanged:
            lines.append(f"{plural(unchanged, noun)} {'has' if unchanged == 1 else 'have'} "
                         f"{names.get(value, f'no {what}')} already: nothing changes for them.")
        return lines

    def names(self, values) -> dict:
        """How each value reads: a related row's name, or the value itself."""
        model = bulk.history.RELATED.get(self.column.key)
        if model is None:
            what = self.label.removeprefix("Set ").lower()
            return {v: f"{what} {v}" for v in values if v is not None}
        ids = [v for v in values if v is not None]
        return dict(db.session.execute(db.select(model.id, model.name).where(model.id.in_(ids))).all()) if ids else {}


@dataclass(frozen=True)
class MoveUp(Action):
    def run(self, session, resource, ids, form):
        deleted = 0
        if "twelfth" in form and form.twelfth.data == "delete":  # before the grade 11 students become grade 12
            twelfth = db.select(Student.id).where(bulk.among(Student, ids), Student.grade == 12)
            deleted = bulk.delete(session, Student, twelfth)
        return deleted + bulk.move_up(session, ids, 12)

    def tally(self, resource, selection):
        """How many in each grade (the preview's figures), in the pass that counts them."""
        g.bulk_grades = dict(db.session.execute(db.select(Student.grade, db.func.count())
                                                .where(bulk.among(Student, selection.unordered))
                                                .group_by(Student.grade)).all())
        count = sum(g.bulk_grades.values())
        return count, selection.first(SAMPLE, count) if count else []

    def leave_out_moot(self, form):
        if not g.bulk_grades.get(12):  # counted already: no query of its own
            del form.twelfth, form.delete_twelfth

    def preview(self, resource, ids, form, count):
        grades = g.bulk_grades
        lines = [f"Grade {g} → {g + 1}: {plural(n, 'student')}." for g, n in sorted(grades.items()) if g < 12]
        if twelfth := grades.get(12):
            lines.append(f"Grade 12: {plural(twelfth, 'student')}, who "
                         + ("will be deleted with their enrollments." if form.twelfth.data == "delete"
                            else "stay in grade 12."))
        return lines

    def summary(self, resource, count, form):
        # `count` holds the grade 12 students deleted (as run() counts them), who moved nowhere: said apart.
        deleted = g.bulk_grades.get(12, 0) if "twelfth" in form and form.twelfth.data == "delete" else 0
        said = [f"moved {plural(count - deleted, 'student')} up a grade"] if count > deleted else []
        return " and ".join(said + ([f"deleted {plural(deleted, 'student')} in grade 12"] if deleted else []))


@dataclass(frozen=True)
class Enroll(Action):
    remove: bool = False

    def course(self, form):
        return db.session.get(Course, form.course_id.data)

    def run(self, session, resource, ids, form):
        course = self.course(form)
        return (bulk.unenroll if self.remove else bulk.enroll)(session, ids, course)

    def preview(self, resource, ids, form, count):
        course = self.course(form)
        # From the course's students (SQLite, told the selection holds most rows, starts there too).
        taking = db.session.scalar(db.select(db.func.count()).select_from(Student).join(Student.enrollments)
                                   .where(likely(bulk.among(Student, ids)), bulk.Enrollment.course_id == course.id))
        if self.remove:
            lines = [f"{plural(taking, 'student')} will be taken off {course}."]
            return lines + ([f"{plural(count - taking, 'student')} {'is' if count - taking == 1 else 'are'} "
                             "not on it: nothing changes for them."] if count - taking else [])
        lines = [f"{plural(count - taking, 'student')} will be enrolled in {course}."]
        return lines + ([f"{plural(taking, 'student')} {'is' if taking == 1 else 'are'} on it already."]
                        if taking else [])

    def summary(self, resource, count, form):
        course = self.course(form)
        return f"{'took' if self.remove else 'enrolled'} {plural(count, 'student')} {'off' if self.remove else 'in'} {course.code}"


@dataclass(frozen=True)
class Delete(Action):
    danger: bool = True

    def run(self, session, resource, ids, form):
        return bulk.delete(session, resource.model, ids)

    def preview(self, resource, ids, form, count):
        lines = [f"{plural(count, resource.noun)} will be deleted. Undo brings them back, from the message after "
                 "or from the Changes page."]
        if resource.model in bulk.SETS:
            mine = bulk.SETS[resource.model][2]
            enrollments = db.session.scalar(db.select(db.func.count()).where(mine.in_(ids)))
            lines.append(f"{plural(enrollments, 'enrollment')} will be removed with them.")
        return lines

    def summary(self, resource, count, form):
        return f"deleted {plural(count, resource.noun)}"


STUDENT_ACTIONS = (
    SetColumn("set-advisor", "Set advisor", AdvisorChoice, column=Student.advisor_id, field="advisor_id"),
    SetColumn("set-grade", "Set grade", GradeChoice, column=Student.grade, field="grade"),
    MoveUp("move-up", "Move up a grade", MoveUpChoice),
    Enroll("enroll", "Enroll in a course", CourseChoice),
    Enroll("unenroll", "Remove from a course", CourseChoice, remove=True),
    Delete("delete", "Delete"),
)
COURSE_ACTIONS = (
    SetColumn("set-teacher", "Set teacher", TeacherChoice, column=Course.teacher_id, field="teacher_id"),
    Delete("delete", "Delete"),
)
