"""Imports: what can be imported (students, users, courses, enrollments), how a file's columns map to fields,
and the look-ups an import makes for the whole file at once.

An import is three steps: `import_checks.plan()` checks every row as the form would and compares it with what is
saved (the preview); `import_writes.commit()` runs the plan again inside the change that writes it, by
statements over all the rows, as one change set.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date

from models import Course, Enrollment, db
from records.history import label_of
from spreadsheets.columns import SEPARATOR, FileColumn, enrollment_columns, file_columns, natural_key, normalised
from validators import FIRST_DAY, LAST_DAY, Exists, unique

CHUNK = 500  # keys in one IN (…): far below every backend's limit on parameters


@dataclass(frozen=True)
class Problem:
    row: int | None  # as a spreadsheet numbers it (the header is row 1); None for the file as a whole
    column: str | None
    message: str

    def __str__(self) -> str:
        where = ", ".join(part for part in (self.row and f"row {self.row}", self.column and self.column.lower()) if part)
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Update:
    id: int
    version: int
    row: int
    label: str
    changed: dict  # field -> (before, after)
    after: dict  # every field mapped, as it will be


@dataclass
class Plan:
    rows: int = 0
    new: list[tuple[int, dict]] = field(default_factory=list)  # (row number, every field's value)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    changed_since: list[Problem] = field(default_factory=list)  # rows someone changed after the preview was shown

    @property
    def fingerprint(self) -> str:
        """The saved rows this plan overwrites, each at the version it read: the preview carries it, and the
        commit, planning again, must find the same. A row edited since has another version; a row created since is
        an update the preview did not have; a row deleted since is an update the commit no longer has."""
        rows = ",".join(f"{u.id}:{u.version}" for u in sorted(self.updates, key=lambda u: u.id))
        return hashlib.sha256(rows.encode()).hexdigest()


@dataclass(frozen=True)
class Importer:
    """What can be imported: a resource's rows (its form checks them), or enrollments."""

    kind: str  # students, users, courses, enrollments
    noun: str
    model: type
    columns: tuple[FileColumn, ...]
    form: type | None = None

    @classmethod
    def of(cls, resource) -> "Importer":
        columns = tuple(c for c in file_columns(resource) if c.editable)
        return cls(resource.name, resource.noun, resource.model, columns, resource.form)

    @property
    def key(self) -> FileColumn:
        """The column that says which row a line of the file is: its natural key (email, code)."""
        return next(c for c in self.columns if c.name == natural_key(self.model).key) if self.form else self.columns[0]

    def column(self, name: str) -> FileColumn:
        return next(c for c in self.columns if c.name == name)


def enrollments() -> Importer:
    return Importer("enrollments", "enrollment", Enrollment, enrollment_columns())


def automatic_mapping(header: list[str], importer: Importer) -> list[str | None]:
    """The field each of the file's columns goes to, matched by header (an export's own headers always match)."""
    names = {}
    for column in importer.columns:
        for name in (column.header, column.name, *column.aliases):
            names.setdefault(normalised(name), column.name)
    mapping, used = [], set()
    for heading in header:
        name = names.get(normalised(heading))
        mapping.append(None if name in used else name)
        used.add(name)
    return mapping


def mapping_problems(header: list[str], mapping: list[str | None], importer: Importer) -> list[Problem]:
    problems, seen = [], {}
    for heading, name in zip(header, mapping):
        if name in seen:
            problems.append(Problem(None, None, f"Both “{seen[name]}” and “{heading}” go to "
                                                f"{importer.column(name).header}: ignore one of them."))
        elif name:
            seen[name] = heading
    key = importer.key
    if key.name not in seen:
        problems.append(Problem(None, None, f"Choose the column with each {importer.noun}'s {key.header.lower()}: "
                                            f"it says which {importer.noun} a row is."))
        if len(titled := [heading for heading in header if heading]) == 1 and not seen:
            # A sheet with a title above its column names: the title is read as the one column name.
            problems.append(Problem(None, None, f"The first row, “{titled[0]}”, is read as the column names: if it "
                                                "is a title, delete the rows above the column names and upload the "
                                                "file again."))
    return problems


def required_problems(mapping, importer: Importer) -> list[Problem]:
    missing = [c.header for c in importer.columns if c.required and c.name not in mapping]
    return [Problem(None, None, f"The file has new {importer.kind} but no column for {name}, which every new "
                                f"{importer.noun} needs.") for name in missing]


def as_formdata(value) -> list[str]:
    if value is None or value is False:
        return []
    if value is True:
        return ["y"]
    if isinstance(value, (list, tuple, set)):
        return [str(v) for v in value]
    return [value.isoformat() if isinstance(value, date) else str(value)]


def existing(model, key, keys: list[str], fields: list[str]) -> dict[str, dict]:
    """The saved rows these keys name: key -> {"id", "version", field: value}; a student's courses as ids."""
    columns = [model.id, model.version, key] + [model.__table__.columns[f] for f in fields
                                                if f in model.__table__.columns and f != key.key]
    found = {}
    for start in range(0, len(keys), CHUNK):
        for row in db.session.execute(db.select(*columns).where(key.in_(keys[start:start + CHUNK]))).mappings():
            found[row[key.key]] = dict(row)
    if "course_ids" in fields and found:
        by_id = {row["id"]: row for row in found.values()}
        for row in by_id.values():
            row["course_ids"] = []
        ids = list(by_id)
        for start in range(0, len(ids), CHUNK):
            pairs = db.select(Enrollment.student_id, Enrollment.course_id).where(
                Enrollment.student_id.in_(ids[start:start + CHUNK])).order_by(Enrollment.course_id)
            for student_id, course_id in db.session.execute(pairs):
                by_id[student_id]["course_ids"].append(course_id)
    return found


def lookup(model, keys: set[str]) -> dict[str, tuple[int, str]]:
    """Rows named by natural key: key -> (id, how the history names it)."""
    key, keys, found = natural_key(model), sorted(keys), {}
    for start in range(0, len(keys), CHUNK):
        rows = db.select(key, model.id, label_of(model)).where(key.in_(keys[start:start + CHUNK]))
        found |= {k: (id, label) for k, id, label in db.session.execute(rows)}
    return found


def related_names(importer: Importer, updates: list[Update]) -> dict[str, dict[int, str]]:
    """How the history names the related rows `updates` change, before and after (an advisor's name, a course's
    code), by field: one query per related column for all the updates, not one per row."""
    wanted = {}
    for update in updates:
        for name, values in update.changed.items():
            if importer.column(name).related is not None:
                wanted.setdefault(name, set()).update(id for value in values for id in
                                                      (value or [] if isinstance(value, list) else [value]))
    named = {}
    for name, ids in wanted.items():
        model, ids = importer.column(name).related, sorted(ids - {None})
        named[name] = {id: label for start in range(0, len(ids), CHUNK) for id, label in db.session.execute(
            db.select(model.id, label_of(model)).where(model.id.in_(ids[start:start + CHUNK])))}
    return named


def normal_key(model, text: str) -> str:
    text = text.strip()
    return text.upper() if model is Course else text.lower()


def related_keys(cell: str, column: FileColumn) -> list[str]:
    parts = cell.split(SEPARATOR.strip()) if column.kind == "many" else [cell]
    return [normal_key(column.related, part) for part in parts if part.strip()]


def form_for_rows(importer: Importer):
    """The resource's form, built once and filled again for each row, without the checks this module makes for
    the whole file at once (unique values, related rows that exist)."""
    form = importer.form(formdata=None, meta={"csrf": False})
    for bound in form:
        bound.validators = [v for v in bound.validators if v is not unique and not isinstance(v, Exists)]
    return form


def enrollment_date_problem(text: str) -> tuple[date | None, str | None]:
    if not text.strip():
        return date.today(), None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None, "Enter a date, like 2024-09-01."
    if not FIRST_DAY <= day <= LAST_DAY:
        return None, f"Enter a date between {FIRST_DAY:%-d %b %Y} and {LAST_DAY:%-d %b %Y}."
    return day, None

