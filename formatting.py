"""How templates show values: numbers, dates, times and plurals, as Jinja filters."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup, escape


def number(value) -> str:
    """1234567 -> "1,234,567"."""
    return f"{value:,}"


# The day is value.day, not strftime's "%-d": that flag is a glibc and BSD extension Windows refuses.
def short_date(value: date | None) -> str:
    """ "5 Mar 2024"; empty when there is no date."""
    return f"{value.day} {value:%b %Y}" if value else ""


def long_date(value: date | None) -> str:
    """ "5 March 2024"; empty when there is no date."""
    return f"{value.day} {value:%B %Y}" if value else ""


def timestamp(value: datetime | None) -> str:
    """ "5 Mar 2024, 15:03 CET": in the school's time zone (TIME_ZONE); the times we keep are naive UTC."""
    if not value:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    value = value.astimezone(ZoneInfo(current_app.config["TIME_ZONE"]))
    return f"{value.day} {value:%b %Y, %H:%M %Z}"


def now() -> datetime:
    """This moment, for "printed on" lines: shown through `timestamp`, so in the school's time zone."""
    return datetime.now(timezone.utc)


def plural(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 course", "1,204 courses"; `plural` for words that do not just add an s ("1 is", "2 are")."""
    return f"{count:,} {plural_word(count, singular, plural)}"


def plural_word(count: int, singular: str, plural: str | None = None) -> str:
    """The word alone: "student" or "students"."""
    return singular if count == 1 else plural or singular + "s"


def told_apart(record) -> str:
    """What tells a person from another of the same name: "aaron.b@example.org, grade 7" for a student, the email
    for a user; empty for a course, whose code is unique."""
    email = getattr(record, "email", None)
    if not email:
        return ""
    grade = getattr(record, "grade", None)
    return f"{email}, grade {grade}" if grade is not None else email


def who(record, quoted: bool = False) -> str:
    """A record by its name and what tells it apart: "Aaron Bradford (aaron.b@example.org, grade 7)"; a course as
    it reads ("MATH-101 Algebra"). `quoted` puts the name in quotation marks, as messages do."""
    name = f"“{record}”" if quoted else str(record)
    return f"{name} ({details})" if (details := told_apart(record)) else name


def cell(value) -> str:
    """A value in a list's cell: dates as short dates, the rest as they read."""
    return short_date(value) if isinstance(value, date) else str(value)


def address(text: str) -> Markup:
    """An email address, escaped, that a narrow column (a phone's card) wraps after a dot or before the @, not inside
    a word ("abraham.dieguez.25535 / 9@students.example.ed / u" at 375 px)."""
    return Markup(str(escape(text)).replace(".", ".<wbr>").replace("@", "<wbr>@"))


FILTERS = {
    "address": address,
    "number": number,
    "date": short_date,
    "long_date": long_date,
    "timestamp": timestamp,
    "plural": plural,
    "plural_word": plural_word,
    "who": who,
    "told_apart": told_apart,
}
