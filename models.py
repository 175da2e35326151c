"""The database and every model. Imports nothing of ours."""

import json
import secrets
import unicodedata
from datetime import date, datetime, timezone
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import (DateTime, ForeignKey, Index, Integer, LargeBinary, MetaData, String, Table, Text, UniqueConstraint,
                        column, event, func, inspect, select, table)
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import (DeclarativeBase, Mapped, column_property, declared_attr, mapped_column, relationship,
                            validates)
from sqlalchemy.types import TypeDecorator
from werkzeug.security import check_password_hash, generate_password_hash

# The largest id: PostgreSQL's integer (SQLite's and MariaDB's go further). A larger one names no row, so it is
# turned away as such before it reaches a database that cannot hold it.
ID_MAX = 2**31 - 1
NAME_MAX = 100
EMAIL_MAX = 254
ROLES = ("viewer", "editor", "admin")  # each may do what the ones before it may
CODE_MAX = 20
TITLE_MAX = 200
SORT_KEY_MAX = 200  # folding can lengthen a name ("ß" is "ss")
VIEW_NAME_MAX = 80
VIEW_NAME_KEY_MAX = 320  # casefolding and NFKC lengthen some names ("ß" is "ss")
COLOR_SCHEMES = ("system", "light", "dark")  # "system": as the browser's setting says


class Base(DeclarativeBase):
    # Constraints named alike on every backend, so a later migration can name the one it changes.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Rows keep their values after a commit: nothing after a commit (the flash, the redirect) needs the database.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


@event.listens_for(Table, "after_parent_attach")
def _compare_text_exactly_on_mariadb(table, metadata):
    """Every table of ours compares and sorts text by code point on MariaDB, as SQLite does, whatever the database's
    default: MariaDB's usual collations ignore accents, so "zoe@…" and "zoë@…" would count as the same email."""
    if metadata is db.metadata:
        table.kwargs.update(mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin")


def utcnow() -> datetime:
    """Naive UTC, the same on every backend (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


# Latin letters whose stroke, bar or hook Unicode does not decompose (NFKD leaves "Ł" whole), as their base letters,
# and the letters written as two (æ, œ, þ, ŋ) spelled so: as unidecode and anyascii both spell them. Only these, not
# a whole transliteration table: names in other scripts stay in their own letters, searched and sorted as typed.
# Lower case only: fold casefolds first. A change here changes stored folds: it needs a migration (see 8a4c2e6f1b37).
UNDECOMPOSED_LETTERS = {"a": "ⱥ", "b": "ƀɓƃ", "c": "ƈȼ", "d": "đðɗɖƌȡ", "e": "ɇɛ", "f": "ƒ", "g": "ɠǥ", "h": "ħ",
                        "i": "ıɨ", "j": "ɉȷ", "k": "ƙ", "l": "łƚȴ", "n": "ɲƞȵ", "o": "øɵɔ", "p": "ƥ", "r": "ɍ",
                        "t": "ŧƭʈȶⱦ", "u": "ʉ", "v": "ʋ", "y": "ƴɏ", "z": "ƶȥ", "ae": "æ", "oe": "œ", "th": "þ",
                        "ng": "ŋ"}
UNDECOMPOSED = str.maketrans({letter: base for base, letters in UNDECOMPOSED_LETTERS.items() for letter in letters})


def fold(text: str) -> str:
    """Text as search compares it: without accents, case folded ("Zoë" -> "zoe", "Łukasz" -> "lukasz"). ASCII has
    no accents to take off: a list page folds about 50 names and emails to say where each row matched (2.4 µs each,
    0.1 µs so)."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().translate(UNDECOMPOSED)


# MariaDB keeps whole seconds unless asked for more; every backend keeps microseconds.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


# SQLite gives a deleted row's id to the next row unless told not to: a record's id must stay its own, for its
# history and for Undo (PostgreSQL and MariaDB never reuse one).
NEVER_REUSED_IDS = {"sqlite_autoincrement": True}


class Hundredths(TypeDecorator):
    """A Decimal with two places, stored as an exact integer count of hundredths."""

    impl = Integer
    cache_ok = True

    @property
    def python_type(self):
        return Decimal

    def process_bind_param(self, value, dialect):
        return None if value is None else int(Decimal(value).scaleb(2).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-2)


class Record:
    """Columns and behaviour every listed model shares."""

    search_fields: tuple[str, ...] = ()
    sort_keys: dict[str, str] = {}  # a folded copy of a column ({"sort_name": "name"}), which its list sorts by

    id: Mapped[int] = mapped_column(primary_key=True)
    # Folded copy of the searchable fields, so search ignores case and accents on every backend.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
    # Raised by the write path on every recorded change (records/history.py); an UPDATE names the version it read,
    # so two saves racing cannot both win.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version, "version_id_generator": False}

    @classmethod
    def search_text_for(cls, values) -> str:
        return fold(" ".join(values.get(name) or "" for name in cls.search_fields))

    @classmethod
    def derived_for(cls, values) -> dict:
        """The columns made from a row's others (its search text, its folded sort keys), as before_insert sets them:
        for statements that write rows without the ORM's events (an import, an undo)."""
        return {"search_text": cls.search_text_for(values),
                **{key: sort_key(values.get(source)) for key, source in cls.sort_keys.items()}}


def sort_key(text: str | None) -> str:
    """Text as alphabetical order compares it: folded ("Cándido" sorts with the C's), cut to fit its column."""
    return fold(text or "")[:SORT_KEY_MAX]


@event.listens_for(Record, "before_insert", propagate=True)
def _set_search_text(mapper, connection, record):
    record.search_text = record.search_text_for(vars(record))
    for key, source in record.sort_keys.items():
        setattr(record, key, sort_key(getattr(record, source)))


@event.listens_for(Record, "before_update", propagate=True)
def _refresh_search_text(mapper, connection, record):
    state = inspect(record)
    if any(state.attrs[name].history.has_changes() for name in record.search_fields):
        record.search_text = record.search_text_for({n: getattr(record, n) for n in record.search_fields})
    for key, source in record.sort_keys.items():
        if state.attrs[source].history.has_changes():
            setattr(record, key, sort_key(getattr(record, source)))


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(Record, db.Model):
    """A member of staff; with a password, an account that can sign in."""

    __tablename__ = "users"
    search_fields = ("name", "email")
    sort_keys = {"sort_name": "name"}
    prefix_search = ("sort_name", str)  # what a search of one or two letters matches the start of

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    sort_name: Mapped[str] = mapped_column(String(SORT_KEY_MAX), default="", server_default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    age: Mapped[int | None]
    role: Mapped[str] = mapped_column(String(10), default="viewer")
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: a record only, cannot sign in
    # Part of the signed-in session; a new one ends every session of this user.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    __table_args__ = (
        Index("ix_users_sort_name_id", "sort_name", "id"),
        Index("ix_users_age_id", "age", "id"),
        Index("ix_users_created_at_id", "created_at", "id"),
        Index("ix_users_role_id", "role", "id"),
        NEVER_REUSED_IDS,
    )

    advisees: Mapped[list["Student"]] = relationship(back_populates="advisor", passive_deletes=True)
    courses_taught: Mapped[list["Course"]] = relationship(back_populates="teacher", passive_deletes=True)
    # Read-only: the pages read them from the user loaded for the request (security.load_user loads them with it);
    # preferences.py writes the rows themselves.
    preferences: Mapped["Preferences | None"] = relationship(viewonly=True)
    # Their own saved views and everyone's shared ones: what the header and the lists' Views menus offer.
    visible_views: Mapped[list["SavedView"]] = relationship(
        primaryjoin="or_(foreign(SavedView.owner_id) == User.id, SavedView.shared.is_(True))",
        order_by="(SavedView.name, SavedView.id)", viewonly=True)

    def __str__(self):
        return self.name

    def set_password(self, password: str | None, method: str):
        self.password_hash = generate_password_hash(password, method) if password else None
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    def end_sessions(self):
        self.session_token = new_session_token()

    def at_least(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def own_views(self) -> list["SavedView"]:
        return [view for view in self.visible_views if view.owner_id == self.id]

    @property
    def shared_by_others(self) -> list["SavedView"]:
        return [view for view in self.visible_views if view.owner_id != self.id]

    @property
    def pinned_views(self) -> list["SavedView"]:
        return [view for view in self.own_views if view.pinned]

    def views_of(self, resource: str) -> list["SavedView"]:
        """The saved views of one list this user sees: their own, then those others shared."""
        views = [view for view in self.visible_views if view.resource == resource]
        return sorted(views, key=lambda view: view.owner_id != self.id)

    # What Flask-Login asks of a user.
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class Student(Record, db.Model):
    __tablename__ = "students"
    search_fields = ("name", "email")
    sort_keys = {"sort_name": "name"}
    prefix_search = ("sort_name", str)  # what a search of one or two letters matches the start of

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    sort_name: Mapped[str] = mapped_column(String(SORT_KEY_MAX), default="", server_default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))  # unique: __table_args__
    grade: Mapped[int]
    birthday: Mapped[date | None]
    enrolled_on: Mapped[date] = mapped_column(default=date.today)
    gpa: Mapped[Decimal | None] = mapped_column(Hundredths)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    advisor: Mapped[User | None] = relationship(back_populates="advisees")
    enrollments: Mapped[list["Enrollment"]] = relationship(
        back_populates="student", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_students_sort_name_id", "sort_name", "id"),
        Index("ix_students_advisor_id_sort_name_id", "advisor_id", "sort_name", "id"),  # an advisor's students, listed
        Index("ix_students_grade_id", "grade", "id"),
        Index("ix_students_gpa_id", "gpa", "id"),
        Index("ix_students_enrolled_on_id", "enrolled_on", "id"),
        # The id beside each email, for the list sorted by email: PostgreSQL then skips to a page by number in the
        # index alone (SQLite's and InnoDB's indexes hold the row's id anyway).
        UniqueConstraint("email", postgresql_include=["id"]),
        NEVER_REUSED_IDS,
    )

    def __str__(self):
        return self.name

    @property
    def course_ids(self) -> list[int]:
        return [enrollment.course_id for enrollment in self.enrollments]

    @course_ids.setter
    def course_ids(self, course_ids: list[int]):
        """Enrolls in exactly these courses, keeping the enrollment dates of courses already taken."""
        kept = [enrollment for enrollment in self.enrollments if enrollment.course_id in course_ids]
        taken = {enrollment.course_id for enrollment in kept}
        self.enrollments = kept + [Enrollment(course_id=id) for id in dict.fromkeys(course_ids) if id not in taken]


class Course(Record, db.Model):
    __tablename__ = "courses"
    search_fields = ("code", "title")
    sort_keys = {"sort_title": "title"}
    prefix_search = ("code", str.upper)

    code: Mapped[str] = mapped_column(String(CODE_MAX), unique=True)  # stored upper case: unique ignoring case
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    sort_title: Mapped[str] = mapped_column(String(SORT_KEY_MAX), default="", server_default="")
    credits: Mapped[int]
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    teacher: Mapped[User | None] = relationship(back_populates="courses_taught")
    enrollments: Mapped[list["Enrollment"]] = relationship(
        back_populates="course", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_courses_sort_title_id", "sort_title", "id"),
        Index("ix_courses_credits_id", "credits", "id"),
        Index("ix_courses_teacher_id_code", "teacher_id", "code"),  # a teacher's courses, listed
        NEVER_REUSED_IDS,
    )

    def __str__(self):
        return f"{self.code} {self.title}"


class Enrollment(db.Model):
    """A student takes a course."""

    __tablename__ = "enrollments"

    student_id: Mapped[int] = mapped_column(ForeignKey("students.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True)
    enrolled_on: Mapped[date] = mapped_column(default=date.today)
    # The student's sort_name and GPA, copied by triggers (database/copied_keys.py; left empty, they fill them): a
    # course's students by name or by GPA are then a range of one index, however few of the students take it.
    student_sort_name: Mapped[str | None] = mapped_column(String(SORT_KEY_MAX))
    student_gpa: Mapped[Decimal | None] = mapped_column(Hundredths)

    student: Mapped[Student] = relationship(back_populates="enrollments")
    course: Mapped[Course] = relationship(back_populates="enrollments")

    __table_args__ = (
        Index("ix_enrollments_course_id_student_sort_name", "course_id", "student_sort_name", "student_id"),
        Index("ix_enrollments_course_id_student_gpa", "course_id", "student_gpa", "student_id"),
    )


class SignIn(db.Model):
    """The sign-in log: a sign-in, a sign-in whose password was wrong (the limits count those: sign_in_limits.py),
    a sign-out, or an export of a list (who read which rows out of Roster)."""

    __tablename__ = "sign_ins"
    EVENTS = ("sign-in", "failure", "sign-out", "export")

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))  # as typed: an unknown email is limited like a known one
    address: Mapped[str] = mapped_column(String(45))
    device: Mapped[str | None] = mapped_column(String(32))  # the browser's device cookie, if it had one for the user
    event: Mapped[str] = mapped_column(String(10))  # one of EVENTS
    detail: Mapped[str | None] = mapped_column(String(500))  # an export: what was exported ("students?grade=3")

    __table_args__ = (
        Index("ix_sign_ins_email_at", "email", "at"),
        Index("ix_sign_ins_address_at", "address", "at"),
        Index("ix_sign_ins_device_at", "device", "at"),
    )


IMPORTED = "import of "  # how an import's summary starts (records.import_writes): "import of students.csv: added …"


class ChangeSet(db.Model):
    """The changes one request or command made: who, when, which change set they undid, and which undid them."""

    __tablename__ = "change_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    user_id: Mapped[int | None]  # no foreign key: a deleted user's changes stay theirs
    user_name: Mapped[str] = mapped_column(String(NAME_MAX))  # as it was then
    # What a bulk change or an import did: "set grade on 312 students", "import of students.csv: added 3 students"
    summary: Mapped[str | None] = mapped_column(String(200))
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id", ondelete="SET NULL"))
    # The change set that undid this one: kept here, so a page of changes needs no search for it.
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("change_sets.id", ondelete="SET NULL"))

    changes: Mapped[list["Change"]] = relationship(back_populates="change_set", order_by="Change.id")

    __table_args__ = (Index("ix_change_sets_user_id_id", "user_id", "id"),)

    @property
    def is_import(self) -> bool:
        return bool(self.summary) and self.summary.startswith(IMPORTED)

    @property
    def headline(self) -> str | None:
        """How the history heads its rows: "Import of students.csv: added 3 students", "Bulk: set grade on 312
        students"; None for a change its rows say alone."""
        if not self.summary:
            return None
        return self.summary[0].upper() + self.summary[1:] if self.is_import else f"Bulk: {self.summary}"


class Change(db.Model):
    """What a change set did to one row: created, edited or deleted it, each field's value before and after."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    change_set_id: Mapped[int] = mapped_column(ForeignKey("change_sets.id", ondelete="CASCADE"))  # indexed with id
    user_id: Mapped[int | None]  # the change set's, so the Changes page finds one person's changes by an index
    table_name: Mapped[str] = mapped_column(String(20))
    row_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(10))  # create, edit, delete
    label: Mapped[str] = mapped_column(String(TITLE_MAX + CODE_MAX + 1))  # the row as it read then: "Ana Ruiz"
    version: Mapped[int]  # the row's version after; for a delete, the version deleted
    # JSON: {field: [before, after]}; a set of related rows as {field: {"+": [ids], "-": [ids]}}. Names of related
    # rows as they were, in `labels` alike.
    data: Mapped[str] = mapped_column(Text)
    labels: Mapped[str] = mapped_column(Text, default="{}")

    change_set: Mapped[ChangeSet] = relationship(back_populates="changes")

    __table_args__ = (
        Index("ix_changes_table_name_row_id_id", "table_name", "row_id", "id"),
        Index("ix_changes_change_set_id_id", "change_set_id", "id"),  # a change set's newest rows (the Changes page)
        Index("ix_changes_table_name_id", "table_name", "id"),
        Index("ix_changes_action_id", "action", "id"),
        Index("ix_changes_user_id_id", "user_id", "id"),
    )


class SavedView(db.Model):
    """A list as someone saved it, under a name: the list's query string (search, filters, sort, rows per page,
    columns). Pinned, it is in its owner's header; shared (by an admin), everyone finds it."""

    __tablename__ = "saved_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    resource: Mapped[str] = mapped_column(String(20))  # the list: "students"
    name: Mapped[str] = mapped_column(String(VIEW_NAME_MAX))
    # The name as uniqueness compares it, made whenever the name is set: "Grade 3" and "grade 3" are the same name.
    # Kept here, not an index on lower(name): SQLite's lower() knows ASCII alone, and MariaDB indexes no expression.
    name_key: Mapped[str] = mapped_column(String(VIEW_NAME_KEY_MAX), default="", server_default="")
    query: Mapped[str] = mapped_column(Text, default="")  # as the list reads it (resources.Resource.list_query)
    pinned: Mapped[bool] = mapped_column(default=False)
    shared: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    owner: Mapped[User] = relationship()

    __table_args__ = (
        # Named: the convention's name (by the first column) is the constraint on the name itself this replaced.
        UniqueConstraint("owner_id", "resource", "name_key", name="uq_saved_views_owner_id_resource_name_key"),
        Index("ix_saved_views_shared", "shared"),
    )

    @validates("name")
    def _keep_name_key(self, _, name):
        self.name_key = view_name_key(name)
        return name


def view_name_key(name: str | None) -> str:
    """A view's name as uniqueness compares it: ignoring case, and compatibility forms ("ﬁ" is "fi")."""
    return unicodedata.normalize("NFKC", name or "").casefold()[:VIEW_NAME_KEY_MAX]


class Preferences(db.Model):
    """What one user chose for themselves: the columns each list shows them, and the colour scheme."""

    __tablename__ = "preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    list_columns: Mapped[str] = mapped_column(Text, default="{}")  # JSON: {"students": ["name", "grade"], ...}
    color_scheme: Mapped[str] = mapped_column(String(10), default="system")  # one of COLOR_SCHEMES

    def columns_of(self, resource: str) -> list[str] | None:
        """The columns chosen for a list, or None when none were."""
        chosen = json.loads(self.list_columns or "{}").get(resource)
        return chosen if isinstance(chosen, list) else None

    def choose_columns(self, resource: str, names: list[str]):
        self.list_columns = json.dumps({**json.loads(self.list_columns or "{}"), resource: names})


# A part of an uploaded file is at most this long: MariaDB refuses a statement past max_allowed_packet (16 MB).
UPLOAD_PART_BYTES = 512 * 1024


class Upload(db.Model):
    """A file uploaded to be imported, kept between the steps of an import (map its columns, preview, confirm) in
    the database, which every worker on every machine shares; deleted once imported, or a day later."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # what it imports: "students", "enrollments"
    filename: Mapped[str] = mapped_column(String(255))
    size: Mapped[int]
    mapping: Mapped[str | None] = mapped_column(Text)  # JSON: the field each column of the file goes to, or null

    parts: Mapped[list["UploadPart"]] = relationship(order_by="UploadPart.number", cascade="all, delete-orphan",
                                                      passive_deletes=True)

    @property
    def content(self) -> bytes:
        return b"".join(part.data for part in self.parts)

    @content.setter
    def content(self, data: bytes):
        self.size = len(data)
        self.parts = [UploadPart(number=n, data=data[start:start + UPLOAD_PART_BYTES])
                      for n, start in enumerate(range(0, len(data), UPLOAD_PART_BYTES))]


class UploadPart(db.Model):
    __tablename__ = "upload_parts"

    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary().with_variant(mysql.MEDIUMBLOB(), "mysql", "mariadb"))


def _count(column, *where):
    """A deferred per-row count: loaded only where a page asks for it with undefer()."""
    return column_property(select(func.count(column)).where(*where).scalar_subquery(), deferred=True)


# Kept by triggers (database/kept_counts.py): a user with 5,000 advisees costs a list no more than one with five.
related_counts = table("related_counts", column("relation"), column("row_id"), column("row_count"))


def _kept_count(relation: str, row_id):
    """A deferred count of the rows referring to this one, as the triggers keep it."""
    kept = select(related_counts.c.row_count).where(related_counts.c.relation == relation,
                                                    related_counts.c.row_id == row_id)
    return column_property(func.coalesce(kept.scalar_subquery(), 0), deferred=True)


def kept_counts(relation: str, row_ids, total=func.sum):
    """The kept counts of `relation` of the rows `row_ids`, added up (or another aggregate of them), as SQL."""
    counts = select(func.coalesce(total(related_counts.c.row_count), 0))
    return counts.where(related_counts.c.relation == relation, related_counts.c.row_id.in_(row_ids)).scalar_subquery()


User.advisee_count = _kept_count("advisees", User.id)
User.course_count = _kept_count("taught", User.id)
Student.course_count = _count(Enrollment.course_id, Enrollment.student_id == Student.id)  # 2-5 rows: counted


def _name_of(user_id):
    """A related user's name alone, deferred, for a list (undefer it): a page of 25 rows then makes no User objects
    to show who advises or teaches them."""
    return column_property(select(User.name).where(User.id == user_id).scalar_subquery(), deferred=True)


Student.advisor_name = _name_of(Student.advisor_id)
Course.teacher_name = _name_of(Course.teacher_id)
Course.student_count = _kept_count("students", Course.id)
