"""The write path: the only way rows of users, students, courses and enrollments change.

Every change runs inside `change()`, which commits it whole or not at all, with its history (records.history); a
save over a newer version is merged (records.conflicts); a change set is undone by records.undo. The exceptions are
`flask seed`, which inserts through the driver for speed (database.seed), and `flask restore`, which puts a whole
database back (database.backup). With RECORDS_GUARD on (the tests), a request or command that changes those tables
outside `change()` fails (records.guard).
"""

from contextlib import contextmanager

from flask import current_app, g, has_request_context
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from database import roomy_cache
from models import Enrollment, User, db
from records import conflicts, history

WRITING = "roster.writing"  # the session.info key that marks a change in progress


@contextmanager
def change(summary: str | None = None, many: bool = False):
    """One change: committed at the end, or rolled back, with what raised, when anything inside fails. `summary`
    says in words what it did, where its rows do not (a bulk change: "Bulk: set grade on 312 students"); `many`: it
    changes many rows by statements over sets (a bulk job, an undo, an import: database.roomy_cache)."""
    session = db.session()
    if session.info.get(WRITING):  # within a change already: that one commits
        yield session
        return
    session.info[WRITING] = True
    if summary:
        session.info[history.SUMMARY] = summary
    try:
        with roomy_cache(session, many):
            yield session
            history.record(session)
            if has_request_context() and history.CHANGE_SET in session.info:
                g.change_made = history.made(session)  # for the page after the commit: views.steps.offer_undo
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        for key in (WRITING, history.CHANGE_SET, history.UNDOES, history.SUMMARY, history.TABLES):
            session.info.pop(key, None)


def save(form, record) -> bool:
    """Writes a valid form into `record`, new or not. A form opened at an older version of the record is merged
    with what was saved since (records.conflicts; `form.merged` says what was kept); where both changed a field, or
    the database refuses the save (another request took the same unique value, or saved this record at the same
    moment), False, nothing saved and the form saying why."""
    opened = form.version.data if record.id is not None and "version" in form else None
    try:
        with change() as session:
            if opened is not None and opened != record.version:
                form.merged = conflicts.merge(form, record, opened)
                if form.merged.conflicts:
                    form.form_errors.append(
                        f"{' and '.join(form.merged.by)} saved this while you were editing, and changed what you "
                        "changed: nothing is saved yet. Check the fields marked below, then save again."
                    )
                    return False
            populate(record, form)
            session.add(record)
    except IntegrityError:
        if form.validate():
            form.form_errors.append("This could not be saved because it conflicts with another record. Try again.")
        return False
    except StaleDataError:
        form.form_errors.append("Someone saved this at the same moment, so yours is not saved yet: save again.")
        return False
    return True


def populate(record, form):
    """The form's fields into the record's attributes. A new password is hashed, never kept; a user made inactive
    is signed out everywhere."""
    was_active = getattr(record, "active", None)
    for name, field in form._fields.items():
        if name == "new_password":
            if field.data:
                set_password(record, field.data)
        elif name not in ("csrf_token", "version"):
            field.populate_obj(record, name)
    if was_active and isinstance(record, User) and not record.active:
        record.end_sessions()


def delete(record, version: int | None = None) -> bool:
    """Deletes a record the user has confirmed deleting (at `version`, if given: False, and nothing deleted, when
    it has changed since); the database removes or unsets what refers to it."""
    if version is not None and version != record.version:
        return False
    try:
        with change() as session:
            session.delete(record)
    except StaleDataError:  # changed at the same moment: its DELETE named the version read, and found none
        return False
    return True


def enroll(student, course) -> bool:
    """Enrolls a student in a course; False when they were enrolled already."""
    with change() as session:
        if session.get(Enrollment, (student.id, course.id)) is not None:
            return False
        session.add(Enrollment(student=student, course=course))
    return True


def unenroll(enrollment):
    with change() as session:
        session.delete(enrollment)


def set_password(user, password: str | None):
    """Hashes a new password (None: the user cannot sign in) and ends the user's other sessions."""
    with change():
        user.set_password(password, current_app.config["PASSWORD_HASH_METHOD"])


def end_sessions(user):
    """Signs a user out everywhere: the token their sessions carry is replaced."""
    with change():
        user.end_sessions()


def account(email: str, name: str, role: str, password: str, rename: bool = False) -> tuple[User, bool]:
    """The user with this email, made an active `role` with this password; created, named `name`, when there is
    none (and renamed if `rename`). Also True when created. For the setup page and the account commands."""
    with change() as session:
        user = session.scalar(db.select(User).where(User.email == email))
        created = user is None
        if created:
            user = User(email=email, name=name)
            session.add(user)
        elif rename:
            user.name = name
        user.role, user.active = role, True
        set_password(user, password)
    return user, created
