"""Every form: the record forms people fill in, and the query-string forms behind list pages."""

import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, EmailField, Form, IntegerField, SearchField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from models import EMAIL_MAX, NAME_MAX, Student, User, db


FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


def strip(value):
    return value.strip() if isinstance(value, str) else value


def lower(value):
    return value.lower() if isinstance(value, str) else value


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


class ListArgs(Form):
    """A list page's query string. Values that do not validate are ignored, never an error page."""

    q = SearchField("Search", filters=[strip], validators=[Optional(), Length(max=200), no_control_characters])
    sort = StringField(validators=[Optional(), Length(max=40)])
    per_page = SelectField("Rows per page", choices=[SelectChoice(n, str(n)) for n in (10, 25, 50, 100)], coerce=int, default=25)
    page = IntegerField(default=1, validators=[NumberRange(min=1, max=10**9)])

    def __init__(self, formdata):
        super().__init__(formdata)
        self.validate()

    def value(self, name):
        field = self[name]
        if field.errors or field.data in ("", None):
            return field.default
        return field.data

    def params(self) -> dict:
        """The arguments that differ from their defaults."""
        return {name: self.value(name) for name in self._fields if self.value(name) != self[name].default}


class UserListArgs(ListArgs):
    age_min = IntegerField("Age from", validators=[Optional(), NumberRange(0, 150)], render_kw={"min": 0, "max": 150})
    age_max = IntegerField("Age to", validators=[Optional(), NumberRange(0, 150)], render_kw={"min": 0, "max": 150})


class StudentListArgs(ListArgs):
    grade = SelectField("Grade", choices=[SelectChoice("", "All grades")] + [SelectChoice(str(g), f"Grade {g}") for g in range(1, 13)])
