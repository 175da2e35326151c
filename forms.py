"""The forms people fill in: records (users, students, courses), and accounts (sign-in, setup, password)."""

from datetime import date

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, EmailField, IntegerField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.widgets import HiddenInput
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from models import CODE_MAX, EMAIL_MAX, ID_MAX, NAME_MAX, TITLE_MAX, Course, Student, User, db
from validators import (
    FIRST_DAY,
    LAST_DAY,
    PickMany,
    PASSWORD_MAX,
    PickOne,
    dates_between,
    email_address,
    IsoDateField,
    lower,
    no_control_characters,
    not_in_future,
    password_field,
    strip,
    two_places,
    plain_message,
    undecodable,
    unique,
    upper,
)


class CheckedForm(FlaskForm):
    """Every form: a field whose text arrived as bytes that are not UTF-8 is refused, whatever its own checks."""

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            if any(isinstance(value, str) and undecodable(value) for value in field.raw_data or []):
                field.errors = ["This text did not arrive as UTF-8; type it again."]
                valid = False
            # One message per field, the first found (a GPA of "abc" is not a number, and so not between 0 and 4 either)
            field.errors = [plain_message(field, field.errors[0])] if field.errors else field.errors
        return valid


def known_version(value):
    return value if value is not None and 1 <= value <= ID_MAX else None


class RecordForm(CheckedForm):
    """A form that creates or edits one row of `model`; `obj` is the row being edited. It posts the version of the
    row it was opened at, so a save over a newer one is merged, never silently overwrites it (records.conflicts)."""

    model: type
    version = IntegerField(widget=HiddenInput(), filters=[known_version], validators=[Optional()])
    merged = None  # after a save over a newer version: what was kept of it (records.conflicts.Merge)

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
            email_address,
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
        # HTML allows `required` on a select only above an empty placeholder option. The role needs none: it always
        # has one, the least by default. The flag stays: the label is not marked optional, and an empty role is refused.
        render_kw={"required": False},
    )
    active = BooleanField("Active", default=True, description="Inactive users cannot sign in; unticking signs them out.")
    new_password = password_field(
        "New password", required=False, description="Leave empty to keep the current one. Without a password, a user cannot sign in."
    )

    def validate_role(self, field):
        if field.data != "admin" and self.leaves_no_admin():
            raise ValidationError("This is the only active admin; make someone else an admin first.")
        if field.data != "admin" and self.is_mine():
            raise ValidationError("You cannot take away your own admin role: ask another admin to change it.")

    def validate_active(self, field):
        if not field.data and self.leaves_no_admin():
            raise ValidationError("This is the only active admin; make someone else an admin first.")
        if not field.data and self.is_mine():
            raise ValidationError("You cannot deactivate your own account: ask another admin to.")

    def is_mine(self) -> bool:
        """Whether the account edited is the signed-in admin's own: who may not lock themselves out by one slip of
        a form (as they may not delete themselves); bulk actions ask "Yes, include me" instead."""
        return self.obj is not None and self.obj.id is not None and self.obj.id == current_user.id

    def leaves_no_admin(self) -> bool:
        """Whether saving would take away the last active admin."""
        user = self.obj
        if user is None or user.id is None or not (user.role == "admin" and user.active):
            return False
        others = db.select(User.id).where(User.role == "admin", User.active, User.id != user.id).limit(1)
        return db.session.scalar(others) is None


class SignInForm(CheckedForm):
    email = EmailField(
        "Email",
        filters=[strip, lower],
        validators=[DataRequired(), Length(max=EMAIL_MAX), no_control_characters],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password", validators=[DataRequired(), Length(max=PASSWORD_MAX)], render_kw={"autocomplete": "current-password"}
    )


class SetupForm(PersonForm):
    """The first admin."""

    model = User
    password = password_field("Password")
    confirm = PasswordField(
        "Password again", validators=[DataRequired(), EqualTo("password", "The two passwords differ.")]
    )


class PasswordForm(CheckedForm):
    """A user changes their own password."""

    current_password = PasswordField(
        "Current password", validators=[DataRequired(), Length(max=PASSWORD_MAX)], render_kw={"autocomplete": "current-password"}
    )
    new_password = password_field("New password")
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")]
    )

    WRONG = "This is not your current password."

    def validate_current_password(self, field):
        if not current_user.check_password(field.data):
            raise ValidationError(self.WRONG)


class StudentForm(PersonForm):
    model = Student
    grade = IntegerField("Grade", validators=[InputRequired(), NumberRange(1, 12)], render_kw={"min": 1, "max": 12})
    birthday = IsoDateField("Birthday", validators=[Optional(), dates_between(FIRST_DAY, LAST_DAY), not_in_future])
    enrolled_on = IsoDateField(
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
            # A-Z alone: a code names the files of its exports, and is unique ignoring case as stored in capitals.
            Regexp(r"^[A-Z0-9][A-Z0-9 ._-]*$", message="Start with A–Z or a digit, then use A–Z, digits, spaces, "
                                                       "dots, hyphens or underscores, like MATH-101."),
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
