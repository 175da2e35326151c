"""Validators, filters and fields the forms share: text hygiene, uniqueness, dates, passwords, pickers."""

import re
import string
from datetime import date
from functools import lru_cache

import email_validator

from wtforms import DateField, IntegerField, PasswordField, SelectMultipleField
from wtforms.validators import DataRequired, Optional, StopValidation, ValidationError
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from models import ID_MAX, db

COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])  # 30,000 most used, from zxcvbn
PASSWORD_MIN, PASSWORD_MAX = 8, 200


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


def upper(value):
    return value.upper() if isinstance(value, str) else value


# Line breaks and other control codes: C0, DEL, C1 (U+0085 is a line break) and the line and paragraph separators.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Characters no one sees: the text-direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) turn
# around the text that follows a name wherever it is shown ("Saved student “‮Ana”" reads backwards to its end), and
# the zero-width space, word joiner, invisible operators, deprecated format codes and byte order mark make a name
# that looks like another but is not equal to it. The zero-width joiner and non-joiner (U+200C, U+200D) are let
# through: Persian, the Indic scripts and emoji spell with them.
INVISIBLE_CHARACTERS = re.compile(r"[\u200b\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def no_control_characters(form, field):
    """Every text field a person types: no control codes, no invisible characters (an import's cells too: it
    checks each row with the form)."""
    if not isinstance(field.data, str):
        return
    if CONTROL_CHARACTERS.search(field.data):
        raise ValidationError("Remove the control characters (such as line breaks or NUL) from this field.")
    if INVISIBLE_CHARACTERS.search(field.data):
        raise ValidationError("Remove the invisible characters (such as text-direction marks or zero-width spaces) "
                              "from this field.")


def without_invisible(value):
    """A search without invisible characters: a name pasted with a zero-width space in it is still found."""
    return INVISIBLE_CHARACTERS.sub("", value) if isinstance(value, str) else value


# Every ASCII letter of an address's local part as "a" and digit as "0": email_validator's answer is the same for
# both (the rules see only the characters' classes, dots and length), and an import of 100,000 addresses at a
# school's two domains asks it a few hundred times instead of 100,000 (its domain check is most of its cost).
EMAIL_SHAPE = str.maketrans(string.ascii_letters + string.digits, "a" * 52 + "0" * 10)


def email_address(form, field):
    local, at, domain = (field.data or "").rpartition("@")
    if not valid_email_shape(local.translate(EMAIL_SHAPE) + at + domain):
        raise ValidationError("Enter an email address like name@example.org.")


@lru_cache(maxsize=10_000)
def valid_email_shape(address: str) -> bool:
    try:
        email_validator.validate_email(address, check_deliverability=False)
    except email_validator.EmailNotValidError:
        return False
    return True


# Werkzeug decodes a urlencoded body with errors="werkzeug.url_quote": bytes that are not UTF-8 come back as their
# percent escapes (%E2%82 stays "%E2%82"); a multipart body decodes them as U+FFFD.
ESCAPED_BYTES = re.compile(r"\ufffd|(?:%[0-9A-Fa-f]{2})+")


def undecodable(text: str) -> bool:
    """Whether the browser sent bytes that are not UTF-8 (typed percent escapes of real UTF-8 are let through)."""
    for match in ESCAPED_BYTES.finditer(text):
        if match.group() == "\ufffd":
            return True
        try:
            bytes.fromhex(match.group().replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return True
    return False


ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class IsoDateField(DateField):
    """WTForms' DateField, reading the browser's YYYY-MM-DD with date.fromisoformat: strptime took a tenth of an
    import's checking. Anything else (2024-9-1, text) goes to strptime as before, so the answers are the same."""

    def process_formdata(self, valuelist):
        if len(valuelist) == 1 and ISO_DAY.fullmatch(valuelist[0]):
            try:
                self.data = date.fromisoformat(valuelist[0])
                return
            except ValueError:
                pass  # 2024-02-30: strptime refuses it too, with the field's message
        super().process_formdata(valuelist)


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError("This date is in the future.")


def two_places(form, field):
    """Stops the checks after it at a NaN or infinity: NumberRange's NaN check raises on a signaling NaN (sNaN)."""
    message = "Enter a number with at most two decimals, like 3.25."
    if field.data is not None and not field.data.is_finite():
        raise StopValidation(message)
    if field.data is not None and field.data.as_tuple().exponent < -2:
        raise ValidationError(message)


def unique(form, field):
    """No other row of the form's model has this value (compared as stored: emails are lowercased)."""
    if field.errors:
        return  # only a value that passed the other checks goes to the database (PostgreSQL refuses NUL, say)
    model = form.model
    query = db.select(model.id).where(getattr(model, field.name) == field.data)
    if form.obj is not None and form.obj.id is not None:
        query = query.where(model.id != form.obj.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise ValidationError(f"Another {model.__name__.lower()} already has this {field.label.text.lower()}.")


def password_problem(password: str) -> str | None:
    """What is wrong with a new password, if anything."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters."
    if password.lower() in COMMON_PASSWORDS:
        return "This password is one of the most common; choose one that is harder to guess."
    return None


def uncommon_password(form, field):
    if field.data and (problem := password_problem(field.data)):
        raise ValidationError(problem)


def password_field(label, required=True, **kwargs):
    return PasswordField(
        label,
        validators=[
            DataRequired() if required else Optional(),
            uncommon_password,
        ],
        render_kw={"autocomplete": "new-password"},
        **kwargs,
    )


# WTForms' own messages, said the way the rest of Roster says things: what to do, in the field's words.
PLAIN_MESSAGES = [
    (re.compile(r"This field is required\.$"), lambda field, m: (
        f"Choose “{field.label.text}”." if field.type in ("SelectField", "RadioField") else f"Fill in “{field.label.text}”.")),
    (re.compile(r"Number must be between (\S+) and (\S+)\.$"), lambda field, m: (
        f"Enter {'a whole number' if field.type == 'IntegerField' else 'a number'} from {m[1]} to {m[2]}.")),
    (re.compile(r"Number must be at least (\S+)\.$"), lambda field, m: f"Enter a number of at least {m[1]}."),
    (re.compile(r"Number must be at most (\S+)\.$"), lambda field, m: f"Enter a number of at most {m[1]}."),
    (re.compile(r"Not a valid integer value\.$"), lambda field, m: "Enter a whole number, like 7."),
    (re.compile(r"Not a valid (?:decimal|float) value\.$"), lambda field, m: "Enter a number, like 3.25."),
    (re.compile(r"Not a valid date value\.$"), lambda field, m: "Enter a date, like 2024-09-01."),
    (re.compile(r"Field cannot be longer than (\d+) characters\.$"), lambda field, m: f"Shorten it to {int(m[1]):,} characters or fewer."),
]


def plain_message(field, message: str) -> str:
    """A field's error as Roster says it: WTForms' "Number must be between 1 and 12." is "Enter a whole number from 1
    to 12."; our own messages are already so."""
    for pattern, say in PLAIN_MESSAGES:
        if found := pattern.match(str(message)):
            return say(field, found)
    return message


def possible_ids(ids) -> list[int]:
    """The ids a row could have: others (a tampered form) would be a database error, not a row not found."""
    return [id for id in ids if id is not None and 0 < id <= ID_MAX]


class Exists:
    """The chosen ids name rows of `model` (they may have been deleted since the form was shown)."""

    def __init__(self, model):
        self.model = model

    def __call__(self, form, field):
        ids = set(field.data if isinstance(field.data, list) else [field.data]) - {None}
        possible = possible_ids(ids)
        found = set(db.session.scalars(db.select(self.model.id).where(self.model.id.in_(possible)))) if possible else set()
        if ids - found:
            noun = self.model.__name__.lower()
            raise ValidationError(f"A chosen {noun} no longer exists (someone deleted it). Choose again.")


class PickOne(IntegerField):
    """The id of one `model` row, chosen with a search-then-pick control (see _macros.html picker)."""

    def __init__(self, label, model, **kwargs):
        super().__init__(label, validators=[Optional(), Exists(model)], **kwargs)
        self.model = model


class PickMany(SelectMultipleField):
    """The ids of several `model` rows, chosen with a search-then-pick control."""

    def __init__(self, label, model, **kwargs):
        super().__init__(label, coerce=int, validate_choice=False, validators=[Exists(model)], **kwargs)
        self.model = model


def dates_between(earliest, latest):
    def check(form, field):
        if field.data and not earliest <= field.data <= latest:
            raise ValidationError(f"Enter a date between {earliest:%-d %b %Y} and {latest:%-d %b %Y}.")

    return check
