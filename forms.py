"""Every form: the record forms people fill in, and the query-string forms behind list pages."""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from flask import current_app
from flask_login import current_user

from models import CODE_MAX, EMAIL_MAX, NAME_MAX, ROLES, TITLE_MAX, Course, Student, User, db

COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])  # 30,000 most used, from zxcvbn
PASSWORD_MIN, PASSWORD_MAX = 8, 200


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


def upper(value):
    return value.upper() if isinstance(value, str) else value


def no_control_characters(form, field):
    if isinstance(field.data, str) and re.search(r"[\x00-\x1f\x7f]", field.data):
        raise ValidationError("Remove the control characters (such as line breaks or NUL) from this field.")


def not_in_future(form, field):
    if field.data and field.data > date.today():
        raise ValidationError("This date is in the future.")


def two_places(form, field):
    if field.data is not None and (not field.data.is_finite() or field.data.as_tuple().exponent < -2):
        raise ValidationError("Enter a number with at most two decimals, like 3.25.")


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


def hash_method() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


class Exists:
    """The chosen ids name rows of `model` (they may have been deleted since the form was shown)."""

    def __init__(self, model):
        self.model = model

    def __call__(self, form, field):
        ids = set(field.data if isinstance(field.data, list) else [field.data]) - {None}
        found = set(db.session.scalars(db.select(self.model.id).where(self.model.id.in_(ids)))) if ids else set()
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


class RecordForm(FlaskForm):
    """A form that creates or edits one row of `model`; `obj` is the row being edited."""

    model: type

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        self.obj = obj


class PersonForm(RecordForm):
    name = StringField(
        "Name",
        filters=[strip],
        validators=[DataRequired(), Length(max=NAME_MAX), no_control_characters],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "off"},
    )
    email = EmailField(
        "Email",
        filters=[strip, lower],
        validators=[
            DataRequired(),
            Length(max=EMAIL_MAX),
            no_control_characters,
            Email("Enter an email address like name@example.org."),
            unique,
        ],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "off"},
    )


class UserForm(PersonForm):
    model = User
    age = IntegerField("Age", validators=[Optional(), NumberRange(0, 150)], render_kw={"min": 0, "max": 150})
    role = SelectField(
        "Role",
        choices=[
            SelectChoice("viewer", "Viewer: reads everything, changes nothing"),
            SelectChoice("editor", "Editor: also adds, edits and deletes students and courses"),
            SelectChoice("admin", "Admin: also manages users, their roles and passwords"),
        ],
        default="viewer",
        validators=[DataRequired()],
    )
    active = BooleanField("Active", default=True, description="Inactive users cannot sign in; unticking signs them out.")
    new_password = password_field(
        "New password", required=False, description="Leave empty to keep the current one. Without a password, a user cannot sign in."
    )

    def validate_role(self, field):
        if field.data != "admin" and self.leaves_no_admin():
            raise ValidationError("This is the only active admin; make someone else an admin first.")

    def validate_active(self, field):
        if not field.data and self.leaves_no_admin():
            raise ValidationError("This is the only active admin; make someone else an admin first.")

    def leaves_no_admin(self) -> bool:
        """Whether saving would take away the last active admin."""
        user = self.obj
        if user is None or user.id is None or not (user.role == "admin" and user.active):
            return False
        others = db.select(User.id).where(User.role == "admin", User.active, User.id != user.id).limit(1)
        return db.session.scalar(others) is None

    def populate_obj(self, user):
        was_active = user.active
        for name, field in self._fields.items():
            if name != "new_password":
                field.populate_obj(user, name)
        if self.new_password.data:
            user.set_password(self.new_password.data, hash_method())
        elif was_active and not user.active:
            user.end_sessions()


class SignInForm(FlaskForm):
    email = EmailField("Email", filters=[strip, lower], validators=[DataRequired()], render_kw={"autocomplete": "username"})
    password = PasswordField("Password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"})


class SetupForm(PersonForm):
    """The first admin."""

    model = User
    password = password_field("Password")
    confirm = PasswordField("Password again", validators=[EqualTo("password", "The two passwords differ.")])


class PasswordForm(FlaskForm):
    """A user changes their own password."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    new_password = password_field("New password")
    confirm = PasswordField("New password again", validators=[EqualTo("new_password", "The two passwords differ.")])

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError("This is not your current password.")


class StudentForm(PersonForm):
    model = Student
    grade = IntegerField("Grade", validators=[InputRequired(), NumberRange(1, 12)], render_kw={"min": 1, "max": 12})
    birthday = DateField("Birthday", validators=[Optional(), dates_between(FIRST_DAY, LAST_DAY), not_in_future])
    enrolled_on = DateField(
        "Enrolled on", default=date.today, validators=[InputRequired(), dates_between(FIRST_DAY, LAST_DAY)]
    )
    gpa = DecimalField(
        "GPA",
        places=2,
        validators=[Optional(), two_places, NumberRange(0, 4)],
        render_kw={"min": 0, "max": 4, "step": "0.01"},
        description="0.00 to 4.00",
    )
    advisor_id = PickOne("Advisor", User)
    course_ids = PickMany("Courses", Course)


class CourseForm(RecordForm):
    model = Course
    code = StringField(
        "Code",
        filters=[strip, upper],
        validators=[
            DataRequired(),
            Length(max=CODE_MAX),
            Regexp(r"^[A-Z0-9][A-Z0-9 ._-]*$", message="Use letters, digits, spaces, dots, dashes, like MATH-101."),
            unique,
        ],
        render_kw={"maxlength": CODE_MAX, "autocomplete": "off"},
        description="Like MATH-101; stored in capitals.",
    )
    title = StringField(
        "Title",
        filters=[strip],
        validators=[DataRequired(), Length(max=TITLE_MAX), no_control_characters],
        render_kw={"maxlength": TITLE_MAX},
    )
    credits = IntegerField("Credits", validators=[InputRequired(), NumberRange(0, 20)], render_kw={"min": 0, "max": 20})
    teacher_id = PickOne("Teacher", User)
