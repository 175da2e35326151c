"""One declaration per resource: its model, noun, form, list columns, sorts, filters, search and who may edit it.

List pages (and what later acts on "every row a list matches") read these; a column, sort or filter is added here
and nowhere else. Which fields a search looks in is the model's `search_fields`: the model keeps the folded
`search_text` in step on every insert and update, the seed's included.
"""

from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from urllib.parse import parse_qsl, urlencode

from markupsafe import Markup, escape
from sqlalchemy import ColumnElement
from werkzeug.datastructures import MultiDict
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

import actions
import actions.users
from columns import Column, filtered_by_row, link_to, link_to_user, shown
from forms import CourseForm, StudentForm, UserForm
from listing import Filter, Listing, RowIdField, search
from listing.counts import Copy, among_few
from listing.filters import RowOrNoneField, Several, either, row_or_none, yes_or_no
from listing.page import explain
from listing.related import Also
from models import ROLES, Course, Enrollment, Student, User, db, kept_counts


@dataclass(frozen=True)
class Resource:
    name: str  # its blueprint and URL prefix, and what many of it are called: "students"
    noun: str  # one of it: "student"
    model: type
    form: type
    columns: tuple[Column, ...]
    default_sort: str
    filters: tuple[Filter, ...] = ()
    search_hint: str = ""  # what a search looks in, shown beside the search box's label
    search_also: tuple[Also, ...] = ()  # related fields a search looks in too
    edit_role: str = "editor"  # the least role that may add, edit and delete
    computed: tuple[str, ...] = ()  # the model's computed columns (column_property) its list shows
    actions: tuple = ()  # what may be done to many rows at once (actions.py)
    printable: bool = False  # has a printout of every row its list matches (<name>.print_list)

    @property
    def title(self) -> str:
        return self.name.capitalize()

    def cells(self, row, q: str | None = None, columns: tuple | None = None) -> Markup:
        """A row of the list (of its `columns`, or all), as HTML. Made here, as the Django admin makes its result
        rows, not cell by cell in the template: a page has up to 700 cells, and Jinja's call per cell made a list page
        20% slower. Searched by `q`, the first cell says where the row matched when it was not its name."""
        html = [column.td(row) for column in columns or self.columns]
        if q and (why := explain(search.parse(self.model, q, self.search_also), self.model, row)):
            html[0] = f'{html[0][:-5]}<span class="matched">{escape(why)}</span></td>'
        return Markup("".join(html))

    @cached_property
    def listing(self) -> Listing:
        sorts = {column.name: column.sort for column in self.columns if column.sort is not None}
        return Listing(self.model, sorts, self.default_sort, self.filters, self.computed, also=self.search_also,
                       columns=tuple(column.name for column in self.columns))

    def list_query(self, query: str) -> str:
        """A query string as this list reads it (a saved view's, say): arguments it does not take, values that do not
        validate and the page number are left out."""
        params = self.listing.args(MultiDict(parse_qsl(query))).params()
        params.pop("page", None)
        return urlencode(params, doseq=True)

    def query_of(self, args, columns: tuple[Column, ...]) -> str:
        """The query string of the list as it is shown: its arguments, and its columns when not all of them."""
        params = {name: value for name, value in args.params().items() if name not in ("page", "columns")}
        if columns != self.columns:
            params["columns"] = [column.name for column in columns]
        return urlencode(params, doseq=True)


def enrolled_in(course_id):
    """The ids of a course's students."""
    return db.select(Enrollment.student_id).where(Enrollment.course_id == course_id)


def students_of(course_id) -> ColumnElement:
    """A course's students, as a condition on students: by name or GPA, read in order from an index of the
    enrollments (each carries the student's name and GPA); in another order found first and then sorted, or, where
    more than a list counts, each row met along the sort order checked for its enrollment."""
    # One lookup per student, as a value (not EXISTS): PostgreSQL made EXISTS a join, and where its statistics did not
    # know the course yet (a grade bulk-enrolled since the last ANALYZE, estimated at 93 students, not 83,624) it
    # read all of them to sort them by GPA: 519 ms; looked up per row, under 30 ms on the same statistics.
    def enrolled(student_id):
        return db.select(db.literal(1)).where(Enrollment.student_id == student_id, Enrollment.course_id == course_id
                                              ).limit(1).scalar_subquery().is_not(None)

    taking = Enrollment.course_id == course_id
    copies = (Copy("sort_name", Enrollment.student_sort_name, Enrollment.student_id, taking),
              Copy("gpa", Enrollment.student_gpa, Enrollment.student_id, taking))
    return among_few(Student, enrolled_in(course_id), each_of=enrolled, kept=kept_counts("students", [course_id]),
                     copies=copies)


def staff_named(word: str):
    """Users whose name holds a folded word, with their names: a search's advisors and teachers."""
    return db.select(User.id, User.name).where(User.sort_name.contains(word, autoescape=True)).order_by(User.sort_name)


ADVISOR = Also("Advisor", staff_named, lambda ids: Student.advisor_id.in_(ids), lambda row, ids: row.advisor_id in ids,
               lambda ids: kept_counts("advisees", ids), filter="advisor")
# A course by its whole code ("math-101"): a part of one ("math") names thousands of courses and most students.
COURSE = Also("Course", lambda word: db.select(Course.id, Course.code).where(Course.code == word.upper()),
              lambda ids: Student.id.in_(db.select(Enrollment.student_id).where(Enrollment.course_id.in_(ids))),
              leads_at_least=lambda ids: kept_counts("students", ids, db.func.max))  # a student takes several
TEACHER = Also("Teacher", staff_named, lambda ids: Course.teacher_id.in_(ids), lambda row, ids: row.teacher_id in ids,
               lambda ids: kept_counts("taught", ids), filter="teacher")
ROLE = Also("Role", lambda word: [(role, role) for role in ROLES if word in role], lambda roles: User.role.in_(roles),
            lambda row, roles: row.role in roles)


USERS = Resource(
    name="users",
    noun="user",
    model=User,
    form=UserForm,
    columns=(
        shown(User.name, "Name", sort=User.sort_name, link=link_to("users.detail")),
        shown(User.email, "Email"),
        shown(User.role, "Role", badge=lambda user: None if user.active else "inactive"),
        shown(User.age, "Age", numeric=True),
        shown(User.created_at, "Added", name="created"),
        Column("advisees", "Advisees", attrgetter("advisee_count"), numeric=True,
               link=filtered_by_row("students.index", "advisor", "advisee_count")),
    ),
    default_sort="name",
    filters=(
        Filter("role", Several("Role", [(role, role.capitalize()) for role in ROLES]), lambda roles: User.role.in_(roles)),
        Filter("active", yes_or_no("Active", "Active", "Inactive"), either(User.active.is_(True))),
        Filter("advises", yes_or_no("Advises students", "Advises students", "Advises no one"),
               either(db.select(Student.id).where(Student.advisor_id == User.id).exists())),
        Filter("age_min", IntegerField("Age from", validators=[Optional(), NumberRange(0, 150)],
                                       render_kw={"min": 0, "max": 150}), lambda age: User.age >= age),
        Filter("age_max", IntegerField("Age to", validators=[Optional(), NumberRange(0, 150)],
                                       render_kw={"min": 0, "max": 150}), lambda age: User.age <= age),
    ),
    search_hint="Name, email or role",
    search_also=(ROLE,),
    edit_role="admin",
    computed=("advisee_count",),
    actions=actions.users.USER_ACTIONS,
)

STUDENTS = Resource(
    name="students",
    noun="student",
    model=Student,
    form=StudentForm,
    columns=(
        shown(Student.name, "Name", sort=Student.sort_name, link=link_to("students.detail")),
        shown(Student.email, "Email"),
        shown(Student.grade, "Grade", numeric=True),
        shown(Student.gpa, "GPA", numeric=True),
        shown(Student.enrolled_on, "Enrolled", name="enrolled"),
        Column("advisor", "Advisor", attrgetter("advisor_name"), link=link_to_user("advisor_id")),
        Column("courses", "Courses", attrgetter("course_count"), numeric=True),
    ),
    default_sort="name",
    filters=(
        Filter("grade", Several("Grade", [(g, str(g)) for g in range(1, 13)], coerce=int),
               lambda grades: Student.grade.in_(grades)),
        Filter("advisor", RowOrNoneField("Advisor"), row_or_none(Student.advisor_id), related=(User, User.name)),
        Filter("course", RowIdField("Course"), students_of,
               related=(Course, Course.code + " " + Course.title)),
    ),
    search_hint="Name, email, advisor or course code",
    search_also=(ADVISOR, COURSE),
    computed=("advisor_name", "course_count"),
    actions=actions.STUDENT_ACTIONS,
    printable=True,
)

COURSES = Resource(
    name="courses",
    noun="course",
    model=Course,
    form=CourseForm,
    columns=(
        shown(Course.code, "Code", link=link_to("courses.detail")),
        shown(Course.title, "Title", sort=Course.sort_title),
        shown(Course.credits, "Credits", numeric=True),
        Column("teacher", "Teacher", attrgetter("teacher_name"), link=link_to_user("teacher_id")),
        Column("students", "Students", attrgetter("student_count"), numeric=True,
               link=filtered_by_row("students.index", "course", "student_count")),
    ),
    default_sort="code",
    filters=(
        Filter("teacher", RowOrNoneField("Teacher"), row_or_none(Course.teacher_id), related=(User, User.name)),
        Filter("credits", IntegerField("Credits", validators=[Optional(), NumberRange(0, 20)],
                                       render_kw={"min": 0, "max": 20}), lambda n: Course.credits == n),
    ),
    search_hint="Code, title or teacher",
    search_also=(TEACHER,),
    computed=("teacher_name", "student_count"),
    actions=actions.COURSE_ACTIONS,
)

BY_NAME = {resource.name: resource for resource in (USERS, STUDENTS, COURSES)}
