"""What an undo checks before it writes (records.undo): the values it puts back that another row holds now (an
email, a course's code), and the users it would name as advisor or teacher who have been deleted since. Each is one
query over the whole set, CHUNK values at a time, whatever the number of rows. The database's constraints stay the
backstop, for a change made at the same moment (`is_refusal`).
"""

from dataclasses import dataclass

from sqlalchemy import UniqueConstraint
from sqlalchemy.exc import IntegrityError

from formatting import plural
from models import Course, Student, User, db
from records.history import row_label

CHUNK = 500  # values in one statement: far below every backend's limit on parameters
NOUNS = {User: "user", Student: "student", Course: "course"}


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
    (PostgreSQL's COPY, which records.undo's inserts use, raises it unwrapped)."""
    dbapi = db.session.get_bind().dialect.dbapi
    return isinstance(error, IntegrityError) or isinstance(error, getattr(dbapi, "IntegrityError", IntegrityError))
