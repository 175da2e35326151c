"""The bulk actions on users (admins only): set role, deactivate or reactivate, delete. Each keeps the site with an
active admin, and says what the chosen users leave behind: the students they advise, the courses they teach."""

from dataclasses import dataclass

from flask_login import current_user

from actions import Action, Delete, SetColumn
from bulk_forms import RoleChoice
from formatting import plural
from models import Course, Student, User, db
from records import bulk


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
class DeleteUsers(Delete):
    lets_go: bool = True

    def preview(self, resource, ids, form, count):
        return super().preview(resource, ids, form, count) + [
            f"{plural(n, noun)} will have no {what}." for n, noun, what in linked(ids)]

    def refusal(self, resource, ids, form):
        return leaves_no_admin(ids)


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


USER_ACTIONS = (
    SetRole("set-role", "Set role", RoleChoice, column=User.role, field="role"),
    SetActive("deactivate", "Deactivate", active=False, lets_go=True),
    SetActive("reactivate", "Reactivate", active=True),
    DeleteUsers("delete", "Delete"),
)
