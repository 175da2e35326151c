"""The bulk actions a resource declares (resources.py): what each asks (bulk_forms), what its confirmation says will
happen, with counts and examples, and which set-based change of records.bulk it makes.

`ids` is always a select of the chosen rows' ids (views/bulk.py makes it from the ticks or from a list's query
string); a preview counts and groups over it, and never loads every row.
"""

from dataclasses import dataclass

from flask import g
from flask_login import current_user

from bulk_forms import AdvisorChoice, BulkForm, CourseChoice, GradeChoice, MoveUpChoice, RoleChoice, TeacherChoice
from database.backend import likely
from formatting import plural
from models import Course, Student, User, db
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
class SetRole(SetColumn):
    lets_go: bool = True

    def refusal(self, resource, ids, form):
        return None if form.role.data == "admin" else leaves_no_admin(ids)


@dataclass(frozen=True)
class SetActive(Action):
    active: bool = True

    def run(self, session, resource, ids, form):
        changed = bulk.set_field(session, User, ids, User.active, self.active)
        if not self.active:  # signed out everywhere: each session carries the token this replaces
            bulk.end_sessions(session, ids)
        return changed

    def preview(self, resource, ids, form, count):
        already = db.session.scalar(db.select(db.func.count()).where(bulk.among(User, ids), User.active == self.active))
        state = "active" if self.active else "inactive"
        lines = [f"{plural(count - already, 'user')} will be made {state}."]
        if not self.active:
            lines.append("They are signed out at once and cannot sign in until reactivated.")
            # a leaver's advisees and courses stay theirs: the office's next job, said where it decides
            lines += [f"{plural(n, noun)} will still have one of them as {what}: “Set {what}” on the {noun}s list "
                      "gives them someone else." for n, noun, what in linked(ids)]
        if already:
            lines.append(f"{plural(already, 'user')} {'is' if already == 1 else 'are'} {state} already.")
        return lines

    def refusal(self, resource, ids, form):
        return None if self.active else leaves_no_admin(ids)

    def summary(self, resource, count, form):
        return f"{'reactivated' if self.active else 'deactivated'} {plural(count, 'user')}"


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
        if resource.model is User:
            lines += [f"{plural(n, noun)} will have no {what}." for n, noun, what in linked(ids)]
        return lines

    def summary(self, resource, count, form):
        return f"deleted {plural(count, resource.noun)}"

    def refusal(self, resource, ids, form):
        return leaves_no_admin(ids) if resource.model is User else None


def linked(ids) -> list[tuple[int, str, str]]:
    """The students and courses the chosen users advise or teach, counted: (how many, noun, as what)."""
    links = ((Student.advisor_id, "student", "advisor"), (Course.teacher_id, "course", "teacher"))
    counts = [(db.session.scalar(db.select(db.func.count()).where(column.in_(ids))), noun, what)
              for column, noun, what in links]
    return [(n, noun, what) for n, noun, what in counts if n]


def leaves_no_admin(ids) -> str | None:
    """Why taking away the chosen users' admin rights would leave the site without an active admin."""
    others = db.select(User.id).where(User.role == "admin", User.active, User.id.not_in(ids)).limit(1)
    if db.session.scalar(others) is None:
        return "This would leave no active admin: make someone else an admin first, or leave one of them out."
    return None


def includes_me(ids) -> bool:
    """Whether the chosen rows hold the person choosing them."""
    return db.session.scalar(db.select(User.id).where(bulk.among(User, ids), User.id == current_user.id)) is not None


STUDENT_ACTIONS = (
    SetColumn("set-advisor", "Set advisor", AdvisorChoice, column=Student.advisor_id, field="advisor_id"),
    SetColumn("set-grade", "Set grade", GradeChoice, column=Student.grade, field="grade"),
    MoveUp("move-up", "Move up a grade", MoveUpChoice),
    Enroll("enroll", "Enroll in a course", CourseChoice),
    Enroll("unenroll", "Remove from a course", CourseChoice, remove=True),
    Delete("delete", "Delete"),
)
USER_ACTIONS = (
    SetRole("set-role", "Set role", RoleChoice, column=User.role, field="role"),
    SetActive("deactivate", "Deactivate", active=False, lets_go=True),
    SetActive("reactivate", "Reactivate", active=True),
    Delete("delete", "Delete", lets_go=True),
)
COURSE_ACTIONS = (
    SetColumn("set-teacher", "Set teacher", TeacherChoice, column=Course.teacher_id, field="teacher_id"),
    Delete("delete", "Delete"),
)
