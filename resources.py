"""One declaration per resource: its model, noun, form, list columns, sorts, filters, search and who may edit it.

List pages (and what later acts on "every row a list matches") read these; a column, sort or filter is added here
and nowhere else. Which fields a search looks in is the model's `search_fields`: the model keeps the folded
`search_text` in step on every insert and update, the seed's included.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter

from flask import url_for
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement
from sqlalchemy.orm import joinedload, undefer
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import NumberRange, Optional

from formatting import cell
from forms import CourseForm, StudentForm, UserForm
from listing import Filter, Listing, RowIdField
from models import Course, Enrollment, Student, User, db


@dataclass(frozen=True)
class Column:
    """A column of a list: its header, what each row shows in it, and what it sorts by, if it sorts."""

    name: str  # its sort key in the query string (?sort=enrolled)
    label: str
    value: Callable[[object], object]  # the row's value: the list shows it, an export writes it
    sort: ColumnElement | None = None  # needs an index on (column, id): keyset pages seek in it
    link: Callable[[object], str | None] | None = None  # where the cell links, if anywhere
    numeric: bool = False
    badge: Callable[[object], str | None] | None = None  # a word after the value ("inactive")

    def td(self, row) -> str:
        """The row's cell, as HTML: its value, linked where the column links, then its badge."""
        value = self.value(row)
        if value is None:
            html = '<span class="muted">—</span>'
        else:
            html = escape(cell(value))
            if self.link and (url := self.link(row)):
                html = f'<a href="{escape(url)}">{html}</a>'
            if self.badge and (badge := self.badge(row)):
                html = f'{html} <span class="badge">{escape(badge)}</span>'
        # data-label names the cell where a phone shows each row as a card (static/style.css)
        label = escape(self.label)
        return f'<td class="num" data-label="{label}">{html}</td>' if self.numeric else f'<td data-label="{label}">{html}</td>'


def shown(attribute, label: str, name: str | None = None, sortable: bool = True, **kwargs) -> Column:
    """A column showing one of the row's own attributes, sorted by it unless told otherwise."""
    return Column(name or attribute.key, label, attrgetter(attribute.key), attribute if sortable else None, **kwargs)


def link_to(endpoint: str, related: str | None = None) -> Callable:
    """A link to the row's page, or to its `related` row's page when it has one."""
    if related:
        return lambda row: url_for(endpoint, id=getattr(row, related).id) if getattr(row, related) else None
    return lambda row: url_for(endpoint, id=row.id)


def filtered_by_row(endpoint: str, argument: str, count: str) -> Callable:
    """A link to a list filtered by the row (?advisor=12), when the row's `count` is not 0."""
    return lambda row: url_for(endpoint, **{argument: row.id}) if getattr(row, count) else None


def name_of(related: str) -> Callable:
    return lambda row: getattr(row, related).name if getattr(row, related) else None


@dataclass(frozen=True)
class Resource:
    name: str  # its blueprint and URL prefix, and what many of it are called: "students"
    noun: str  # one of it: "student"
    model: type
    form: type
    columns: tuple[Column, ...]
    default_sort: str
    filters: tuple[Filter, ...] = ()
    search_hint: str = ""  # the search box's placeholder: what a search looks in
    edit_role: str = "editor"  # the least role that may add, edit and delete
    options: tuple = ()  # loader options for what the columns show
    printable: bool = False  # has a printout of every row its list matches (<name>.print_list)

    @property
    def title(self) -> str:
        return self.name.capitalize()

    def cells(self, row) -> Markup:
        """A row of the list, as HTML. Made here, as the Django admin makes its result rows, not cell by cell in the
        template: a page has up to 700 cells, and Jinja's call per cell made a list page 20% slower."""
        return Markup("".join(column.td(row) for column in self.columns))

    @cached_property
    def listing(self) -> Listing:
        sorts = {column.name: column.sort for column in self.columns if column.sort is not None}
        return Listing(self.model, sorts, self.default_sort, self.filters, self.options)


def enrolled_in(course_id):
    """The ids of a course's students."""
    return db.select(Enrollment.student_id).where(Enrollment.course_id == course_id)


USERS = Resource(
    name="users",
    noun="user",
    model=User,
    form=UserForm,
    columns=(
        shown(User.name, "Name", link=link_to("users.detail")),
        shown(User.email, "Email"),
        shown(User.role, "Role", badge=lambda user: None if user.active else "inactive"),
        shown(User.age, "Age", numeric=True),
        shown(User.created_at, "Added", name="created"),
        Column("advisees", "Advisees", attrgetter("advisee_count"), numeric=True,
               link=filtered_by_row("students.index", "advisor", "advisee_count")),
    ),
    default_sort="name",
    filters=(
        Filter("age_min", IntegerField("Age from", validators=[Optional(), NumberRange(0, 150)],
                                       render_kw={"min": 0, "max": 150}), lambda age: User.age >= age),
        Filter("age_max", IntegerField("Age to", validators=[Optional(), NumberRange(0, 150)],
                                       render_kw={"min": 0, "max": 150}), lambda age: User.age <= age),
    ),
    search_hint="Name or email",
    edit_role="admin",
    options=(undefer(User.advisee_count),),
)

STUDENTS = Resource(
    name="students",
    noun="student",
    model=Student,
    form=StudentForm,
    columns=(
        shown(Student.name, "Name", link=link_to("students.detail")),
        shown(Student.email, "Email"),
        shown(Student.grade, "Grade", numeric=True),
        shown(Student.gpa, "GPA", numeric=True),
        shown(Student.enrolled_on, "Enrolled", name="enrolled"),
        Column("advisor", "Advisor", name_of("advisor"), link=link_to("users.detail", related="advisor")),
        Column("courses", "Courses", attrgetter("course_count"), numeric=True),
    ),
    default_sort="name",
    filters=(
        Filter("grade", SelectField("Grade", choices=[SelectChoice("", "All grades")]
                                    + [SelectChoice(str(g), f"Grade {g}") for g in range(1, 13)]),
               lambda grade: Student.grade == int(grade)),
        Filter("advisor", RowIdField("Advisor"), lambda user_id: Student.advisor_id == user_id,
               related=(User, User.name)),
        Filter("course", RowIdField("Course"), lambda course_id: Student.id.in_(enrolled_in(course_id)),
               related=(Course, Course.code + " " + Course.title)),
    ),
    search_hint="Name or email",
    options=(joinedload(Student.advisor), undefer(Student.course_count)),
    printable=True,
)

COURSES = Resource(
    name="courses",
    noun="course",
    model=Course,
    form=CourseForm,
    columns=(
        shown(Course.code, "Code", link=link_to("courses.detail")),
        shown(Course.title, "Title"),
        shown(Course.credits, "Credits", numeric=True),
        Column("teacher", "Teacher", name_of("teacher"), link=link_to("users.detail", related="teacher")),
        Column("students", "Students", attrgetter("student_count"), numeric=True,
               link=filtered_by_row("students.index", "course", "student_count")),
    ),
    default_sort="code",
    filters=(
        Filter("teacher", RowIdField("Teacher"), lambda user_id: Course.teacher_id == user_id,
               related=(User, User.name)),
        Filter("credits", IntegerField("Credits", validators=[Optional(), NumberRange(0, 20)],
                                       render_kw={"min": 0, "max": 20}), lambda n: Course.credits == n),
    ),
    search_hint="Code or title",
    options=(joinedload(Course.teacher), undefer(Course.student_count)),
)
