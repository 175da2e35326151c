"""The columns a resource has in a file, derived from what it already declares: every field of its form a person
can edit (related rows by their natural key: an advisor by email, courses by code), then the list's other
columns, read only (a user's "Added", their number of advisees). An export writes these; an import reads the
editable ones back, so a file exported and imported again changes nothing."""

import re
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import ColumnElement, String, UniqueConstraint, cast, func, select
from wtforms import BooleanField, DateField, DecimalField, IntegerField, PasswordField, SelectField
from wtforms.validators import DataRequired, InputRequired
from wtforms.widgets import HiddenInput

from models import Course, Enrollment, Student, db
from validators import PickMany, PickOne

SEPARATOR = ", "  # between the natural keys of several related rows in one cell ("MATH-101, ART-001")


@dataclass(frozen=True)
class FileColumn:
    header: str
    name: str  # the form's field; for a read-only column, the list's column
    kind: str  # text, number, decimal, date, bool, choice, one (a related row), many (related rows), read-only
    sql: ColumnElement  # what an export reads, as a column of the resource's model
    related: type | None = None  # for one and many: the model a cell names by its natural key
    required: bool = False  # a file that creates rows must have this column
    aliases: tuple[str, ...] = ()  # other headers it is recognised by

    @property
    def editable(self) -> bool:
        return self.kind != "read-only"


def natural_key(model) -> ColumnElement:
    """The column that names a row in a file: its unique one (email, code), declared on the column or by a
    constraint of its own (a student's email, whose index carries the id on PostgreSQL)."""
    return next(constraint.columns[0] for constraint in model.__table__.constraints
                if isinstance(constraint, UniqueConstraint) and len(constraint.columns) == 1)


def normalised(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def kind_of(field) -> str:
    for field_class, kind in ((PickOne, "one"), (PickMany, "many"), (BooleanField, "bool"), (DateField, "date"),
                              (DecimalField, "decimal"), (IntegerField, "number"), (SelectField, "choice")):
        if isinstance(field, field_class):
            return kind
    return "text"


def related_sql(model, kind: str, field, related) -> ColumnElement:
    """What an export reads for a related row: its natural key; for several (a student's courses, the only relation
    of many rows), their ids, which named_keys() names. The ids come from the enrollments' primary key alone: looking
    up the code of each of 3.5 million enrollments' courses was 7 of the 18 s PostgreSQL spent on 1,000,000 students."""
    if kind == "one":
        return select(natural_key(related)).where(related.id == getattr(model, field.name)).scalar_subquery()
    return (select(func.aggregate_strings(cast(Enrollment.course_id, String), ","))
            .where(Enrollment.student_id == model.id).scalar_subquery())


class KeysById(dict):
    """{str(id): natural key} of every row of `model`, read at once; a row added since is looked up when met."""

    def __init__(self, model):
        self.model = model
        super().__init__(db.session.execute(select(cast(model.id, String), natural_key(model))).all())

    def __missing__(self, id: str) -> str:
        self[id] = db.session.scalar(select(natural_key(self.model)).where(self.model.id == int(id))) or f"#{id}"
        return self[id]


def named_keys(columns, rows):
    """The exported rows, each cell of related rows' ids (related_sql) made their natural keys from one table of all."""
    many = [(i, KeysById(c.related)) for i, c in enumerate(columns) if c.kind == "many"]
    if not many:
        yield from rows
        return
    for row in rows:
        row = list(row)
        for i, keys in many:
            row[i] = SEPARATOR.join(keys[id] for id in row[i].split(",")) if row[i] else row[i]
        yield row


_made: dict[str, tuple] = {}


def file_columns(resource) -> tuple[FileColumn, ...]:
    """The columns of the resource's files, in the form's order. Needs an app context (a form is built)."""
    if resource.name not in _made:
        _made[resource.name] = derived_columns(resource)
    return _made[resource.name]


def derived_columns(resource) -> tuple[FileColumn, ...]:
    model, form = resource.model, resource.form(formdata=None, meta={"csrf": False})
    columns, labels = [], {}
    for field in form:
        if field.name == "csrf_token" or isinstance(field, PasswordField) or isinstance(field.widget, HiddenInput):
            continue
        kind, related = kind_of(field), getattr(field, "model", None)
        required = any(isinstance(v, (DataRequired, InputRequired)) for v in field.validators) and field.default is None
        sql = related_sql(model, kind, field, related) if related else getattr(model, field.name)
        columns.append(FileColumn(field.label.text, field.name, kind, sql, related, required))
        labels[normalised(field.label.text)] = len(columns) - 1
    for shown in resource.columns:
        sql = shown.sort if shown.sort is not None else model_attribute(model, shown.value)
        covered = labels.get(normalised(shown.label))
        if covered is None and shown.sort is not None:
            covered = next((i for i, c in enumerate(columns) if c.name == shown.sort.key), None)
        if covered is not None:
            columns[covered] = FileColumn(**{**vars(columns[covered]), "aliases": (shown.label,)})
        elif sql is not None:
            columns.append(FileColumn(shown.label, shown.name, "read-only", sql))
    return tuple(columns)


def model_attribute(model, value):
    """The model's attribute a list column shows with attrgetter("advisee_count"), if it does: what SQL reads."""
    if isinstance(value, attrgetter):
        return getattr(model, value.__reduce__()[1][0], None)
    return None


def enrollment_columns() -> tuple[FileColumn, ...]:
    """An enrollments file: a student by email, a course by code, and the day they were enrolled (default today)."""
    return (
        FileColumn("Student", "student_id", "one", natural_key(Student), Student, True, ("Email", "Student email")),
        FileColumn("Course", "course_id", "one", natural_key(Course), Course, True, ("Code", "Course code")),
        FileColumn("Enrolled on", "enrolled_on", "date", Enrollment.enrolled_on, aliases=("Enrolled",)),
    )
