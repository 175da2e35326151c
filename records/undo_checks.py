"""What an undo checks before it writes (records.undo): the values it puts back that another row holds now (an
email, a course's code), and the users it would name as advisor or teacher who have been deleted since. Each is one
query over the whole set, CHUNK values at a time, whatever the number of rows. The database's constraints stay the
backstop, for a change made at the same moment (`is_refusal`).
"""

import json
from dataclasses import dataclass

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from formatting import plural
from models import Change, ChangeSet, Course, Student, User, db
from records.history import row_label

CHUNK = 500  # values in one statement: far below every backend's limit on parameters
NOUNS = {User: "user", Student: "student", Course: "course"}
ROLES = {"advisor_id": "advisor", "teacher_id": "teacher"}  # what a related user is to the row, in words


class Refused(Exception):
    """An undo that would lock the site, or the person undoing it, out, or that cannot be put back: rolled back,
    with why in words."""


@dataclass
class Clash:
    """A value an undo would put back that another row holds now: `column` `value` of `model`'s row `other_id`."""

    model: type
    column: str
    value: object
    other_id: int
    other_label: str
    more: int  # other values that clash too

    def __str__(self) -> str:
        more = f" ({plural(self.more, 'other value')} too)" if self.more else ""
        return f"the {self.column} {self.value} is now used by {NOUNS[self.model]} “{self.other_label}”{more}"


class Clashed(Refused):
    def __init__(self, clash: Clash):
        super().__init__(str(clash))
        self.clash = clash


def later_changes(change_set: ChangeSet, undoing: int | None = None, current: bool = False) -> list[int]:
    """The ids of later changes to the same fields of the same rows: what undoing `change_set` would overwrite.
    One query, whatever the number of rows the change set touched. `undoing`: the undo in progress, not counted;
    `current`: read as committed now, by a locking read (MariaDB's plain reads see the transaction's first)."""
    undone, later = aliased(Change), aliased(Change)
    query = (db.select(later.id, later.data, undone.action, undone.data)
             .join(undone, (later.table_name == undone.table_name) & (later.row_id == undone.row_id)
                   & (later.id > undone.id))
             .where(undone.change_set_id == change_set.id,
                    later.change_set_id.not_in({change_set.id, undoing} - {None})))
    pairs = db.session.execute(query.with_for_update(read=True, of=later) if current else query)
    deleted = deleted_users(change_set.id)
    return sorted({id for id, data, action, fields in pairs
                   if action != "edit" or set(json.loads(fields)) & set(json.loads(data))
                   and not unlinked(json.loads(fields), deleted)})


def deleted_users(change_set_id: int) -> set[int]:
    return set(db.session.scalars(db.select(Change.row_id).where(
        Change.change_set_id == change_set_id, Change.table_name == "users", Change.action == "delete")))


def unlinked(data: dict, deleted: set[int]) -> bool:
    """Whether an edit is a row losing its advisor or teacher because the same change set deleted that user: put
    back only where it still has none."""
    [(name, values)] = data.items() if len(data) == 1 else [(None, None)]
    return name in ROLES and values[1] is None and values[0] in deleted


def claim(session, change_set_id: int):
    """Takes the change set for the undo in progress, first thing: a second undo of it at the same moment (a double
    click, two tabs) waits here until the first commits, then is refused; a row lock, read as committed now."""
    undone_by = session.execute(db.select(ChangeSet.undone_by_id).where(ChangeSet.id == change_set_id)
                                .with_for_update()).first()
    if undone_by is None:
        raise Refused("that change is no longer in the history.")
    if undone_by.undone_by_id is not None:
        raise Refused("that change has been undone already, a moment ago (a second click, or someone else).")


def unasked(change_set: ChangeSet, replacing: int, undoing: int):
    """Refuses an undo about to replace later changes the person was not asked about: made after the confirmation
    that counted `replacing` of them, or (none counted) after they pressed Undo. Read after its own writes, whose
    row locks keep any other change of those rows waiting until it commits."""
    later = later_changes(change_set, undoing, current=True)
    if len(later) <= replacing:  # the later changes only grow: as many as counted are those shown
        return
    newest = later[replacing - len(later):]
    names = db.select(ChangeSet.user_name).join(Change).where(Change.id.in_(newest)).with_for_update(read=True)
    who = sorted(set(db.session.scalars(names)))
    when = "after you were asked" if replacing else "at the same moment"
    raise Refused(f"{' and '.join(who)} changed what it would put back {when}. Look again, then undo.")


def unique_columns(model) -> list[str]:
    """The columns of `model` no two rows may share a value of (an email, a course's code)."""
    return [constraint.columns[0].name for constraint in model.__table__.constraints
            if isinstance(constraint, UniqueConstraint) and len(constraint.columns) == 1]


def first_clash(intended: dict, vacated: dict) -> Clash | None:
    """The first value `intended` ({(model, column): {row id: value}}) puts back that a row other than its own holds
    now, unless that row is one the undo deletes (`vacated`: {model: ids}) or puts a value of the column back in.
    The database compares the values, as its unique index does (MariaDB ignoring case)."""
    found = []
    for (model, name), values in intended.items():
        column = model.__table__.columns[name]
        leaving = vacated.get(model, set()) | set(values)
        wanted = sorted({value for value in values.values() if value is not None})
        for start in range(0, len(wanted), CHUNK):
            rows = db.session.execute(db.select(model.id, column, row_label(model)).where(column.in_(wanted[start:start + CHUNK])))
            found += [Clash(model, name, value, id, label, 0) for id, value, label in rows if id not in leaving]
    if not found:
        return None
    found[0].more = len(found) - 1
    return found[0]


def gone_users(ids: set, restoring: set) -> set[int]:
    """Of the users `ids` an undo names as advisor or teacher, those deleted since (and not among `restoring`, the
    users it brings back itself)."""
    wanted = sorted(set(ids) - set(restoring) - {None})
    there = {id for start in range(0, len(wanted), CHUNK)
             for id in db.session.scalars(db.select(User.id).where(User.id.in_(wanted[start:start + CHUNK])))}
    return set(wanted) - there


def is_refusal(error: Exception) -> bool:
    """Whether the database refused a write for a constraint: SQLAlchemy's IntegrityError, or the driver's own
    (PostgreSQL's COPY, which records.undo's inserts use, raises it unwrapped); or a row it puts back through the
    ORM was saved by someone else since it was read (its version check: StaleDataError)."""
    dbapi = db.session.get_bind().dialect.dbapi
    return isinstance(error, (IntegrityError, StaleDataError, getattr(dbapi, "IntegrityError", IntegrityError)))
