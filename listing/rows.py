"""A list's rows: the columns its pages show, read as plain rows, not as records. A record costs the ORM's
bookkeeping as it loads and again each time a template reads one of its attributes: about 0.3 ms of the 3 ms first
page of students (bench.lists, goal 5). A list only shows its rows; a page that changes one loads the record."""

from collections import namedtuple
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, select

from models import db


@dataclass(frozen=True)
class Shown:
    """What a row of a list holds: the attributes it selects, and the tuple that holds their values."""

    select: Select  # of their columns, made once
    row: type

    def read(self, query: Select, parameters: dict | None = None) -> list:
        """The rows `query`, this select narrowed, finds: read as plain rows, past the ORM (0.1 ms a page)."""
        return [self.row(*values) for values in executed(query, parameters).all()]


def executed(statement: Select, parameters: dict | None = None):
    """The result of `statement` run on the session's connection, past the ORM's handling of a statement (0.035 ms of
    a list's count), once the session has written what it holds."""
    db.session.flush()
    return db.session.connection().execute(statement, parameters)


@cache
def shown_by(model, computed: tuple[str, ...] = ()) -> Shown:
    """A row of `model`'s list: its columns, and the `computed` ones its list shows (a student's "advisor_name"),
    named as the model's attributes and read as a record reads ("Ana Lima")."""
    props = [prop for prop in model.__mapper__.column_attrs if not prop.deferred or prop.key in computed]
    base = namedtuple(f"{model.__name__}Row", [prop.key for prop in props])
    row = type(base.__name__, (base,), {"__slots__": (), "__str__": model.__str__})
    return Shown(select(*(prop.columns[0].label(prop.key) for prop in props)), row)
