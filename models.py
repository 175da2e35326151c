"""The database and every model. Imports nothing of ours."""

import unicodedata
from datetime import date, datetime, timezone
from decimal import Decimal

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Index, Integer, MetaData, String, Table, Text, event, inspect
from sqlalchemy.dialects import mysql
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAME_MAX = 100
EMAIL_MAX = 254


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


db = SQLAlchemy(model_class=Base)


@event.listens_for(Table, "after_parent_attach")
def _compare_text_exactly_on_mariadb(table, metadata):
    """Every table of ours compares and sorts text by code point on MariaDB, as SQLite does, whatever the database's
    default: MariaDB's usual collations ignore accents, so "zoe@…" and "zoë@…" would count as the same email."""
    if metadata is db.metadata:
        table.kwargs.update(mysql_charset="utf8mb4", mysql_collate="utf8mb4_bin")


def utcnow() -> datetime:
    """Naive UTC, the same on every backend (SQLite has no time zones)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def fold(text: str) -> str:
    """Text as search compares it: without accents, case folded ("Zoë" -> "zoe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# MariaDB keeps whole seconds unless asked for more; every backend keeps microseconds.
Timestamp = DateTime().with_variant(mysql.DATETIME(fsp=6), "mysql", "mariadb")


class Hundredths(TypeDecorator):
    """A Decimal with two places, stored as an exact integer count of hundredths."""

    impl = Integer
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else int(Decimal(value).scaleb(2).to_integral_value())

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value).scaleb(-2)


class Record:
    """Columns and behaviour every listed model shares."""

    search_fields: tuple[str, ...] = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    # Folded copy of the searchable fields, so search ignores case and accents on every backend.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    @classmethod
    def search_text_for(cls, values) -> str:
        return fold(" ".join(values.get(name) or "" for name in cls.search_fields))


@event.listens_for(Record, "before_insert", propagate=True)
def _set_search_text(mapper, connection, record):
    record.search_text = record.search_text_for(vars(record))


@event.listens_for(Record, "before_update", propagate=True)
def _refresh_search_text(mapper, connection, record):
    state = inspect(record)
    if any(state.attrs[name].history.has_changes() for name in record.search_fields):
        record.search_text = record.search_text_for({n: getattr(record, n) for n in record.search_fields})


class User(Record, db.Model):
    __tablename__ = "users"
    search_fields = ("name", "email")

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    age: Mapped[int | None]

    __table_args__ = (
        Index("ix_users_name_id", "name", "id"),
        Index("ix_users_age_id", "age", "id"),
        Index("ix_users_created_at_id", "created_at", "id"),
    )

    def __str__(self):
        return self.name


class Student(Record, db.Model):
    __tablename__ = "students"
    search_fields = ("name", "email")

    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True)
    grade: Mapped[int]
    birthday: Mapped[date | None]
    enrolled_on: Mapped[date] = mapped_column(default=date.today)
    gpa: Mapped[Decimal | None] = mapped_column(Hundredths)

    __table_args__ = (
        Index("ix_students_name_id", "name", "id"),
        Index("ix_students_grade_id", "grade", "id"),
        Index("ix_students_gpa_id", "gpa", "id"),
        Index("ix_students_enrolled_on_id", "enrolled_on", "id"),
    )

    def __str__(self):
        return self.name
