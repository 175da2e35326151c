"""Bad input gets a clear message and loses nothing; odd but valid input is stored exactly."""

import email_validator
import pytest
import wtforms
from sqlalchemy import event, insert
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms.validators import ValidationError

from helpers import read
from models import Course, Student, User, db
from validators import IsoDateField, email_address

STUDENT = {"name": "Ana", "email": "ana@school.example", "grade": "7", "enrolled_on": "2024-09-01"}


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "", "Fill in “Name”."),
        ("name", "   ", "Fill in “Name”."),
        ("name", "x" * 10_000, "Shorten it to 100 characters or fewer."),
        ("name", "Ana\x00", "Remove the control characters"),
        ("email", "not-an-email", "Enter an email address like name@example.org."),
        ("email", "a@b.c\x00", "Remove the control characters"),
        ("email", "a" * 250 + "@example.org", "Shorten it to 254 characters or fewer."),
        ("grade", "13", "Enter a whole number from 1 to 12."),
        ("grade", "seven", "Enter a whole number, like 7."),
        ("grade", "9" * 5000, "Enter a whole number, like 7."),
        ("gpa", "4.01", "Enter a number from 0 to 4."),
        ("gpa", "3.456", "at most two decimals"),
        ("gpa", "NaN", "at most two decimals"),
        ("gpa", "Infinity", "at most two decimals"),
        ("gpa", "abc", "Enter a number, like 3.25."),
        ("birthday", "2099-01-01", "This date is in the future."),
        ("birthday", "1850-01-01", "Enter a date between 1 Jan 1900 and 31 Dec 2100."),
        ("birthday", "31/02/2010", "Enter a date, like 2024-09-01."),
        ("enrolled_on", "", "Fill in “Enrolled on”."),
    ],
)
def test_bad_student_field_shows_error_and_keeps_values(client, app, field, value, message):
    response = client.post("/students/new", data={**STUDENT, field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'aria-describedby="{field}-error' in html
    assert 'value="ana@school.example"' in html or field == "email"
    assert read(app, Student) == []


@pytest.mark.parametrize("age, message", [("151", "from 0 to 150"), ("-1", "from 0 to 150"), ("1.5", "whole number")])
def test_bad_age_is_a_field_error(client, app, age, message):
    html = client.post("/users/new", data={"name": "Ada", "email": "ada@example.org", "age": age}).get_data(as_text=True)
    assert message in html
    assert 'value="Ada"' in html
    assert read(app, User, email="ada@example.org") == []


@pytest.mark.parametrize(
    "name",
    [
        "Zoë 👩🏽‍🏫 Ångström",  # emoji with skin tone and joiner
        "محمد عبد الله",  # right to left
        "שרה כהן",
        "王小明",
        "x" * 100,  # exactly the limit
        "😀" * 100,  # the limit counts characters, as the servers' VARCHAR(100) does, not bytes (400 here)
        "O'Brien <b>&amp;</b>",
    ],
)
def test_unusual_names_are_stored_exactly(client, app, name):
    response = client.post("/users/new", data={"name": name, "email": "odd@example.org"})
    assert response.status_code == 302
    assert read(app, User, email="odd@example.org")[0].name == name


def test_markup_in_names_is_escaped(client, app):
    client.post("/users/new", data={"name": "<script>alert(1)</script>", "email": "x@example.org"})
    user = read(app, User, email="x@example.org")[0]
    for path in ("/users", f"/users/{user.id}", f"/users/{user.id}/edit", f"/users/{user.id}/confirm-delete"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html
        assert "&lt;script&gt;alert(1)" in html


# Not on SQLite: a request that writes holds the write lock from its check to its commit, so no other request can
# write in between (test_sqlite.py shows it).
@pytest.mark.backends("postgresql", "mariadb")
def test_unique_conflict_found_only_by_the_database_is_a_field_error(client, app):
    """Another request saves the same email between our check and our write: the constraint decides."""

    def sneak_in_a_duplicate(session, flush_context, instances):
        with db.engine.begin() as connection:
            connection.execute(insert(User).values(name="Other", email="ada@example.org", search_text="other"))

    event.listen(Session, "before_flush", sneak_in_a_duplicate, once=True)
    try:
        response = client.post("/users/new", data={"name": "Ada", "email": "ada@example.org"})
    finally:
        event.remove(Session, "before_flush", sneak_in_a_duplicate)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Another user already has this email." in html
    assert 'value="Ada"' in html
    assert [user.name for user in read(app, User, email="ada@example.org")] == ["Other"]


@pytest.mark.parametrize("query", ["ab\x00c", 'a"b"c', "mar*", "NEAR(a b)", "' OR 1=1 --", "%_%", "\\", "a" * 150])
def test_picker_searches_take_any_text(client, add, query):
    course = add(Course, code="ART-1", title="Drawing", credits=2)
    add(Student, name="Mar Tinez", email="mar@school.example", grade=3)
    assert client.get(f"/courses/{course}/enroll", query_string={"find": query}).status_code == 200
    assert client.post("/students/new", data={"advisor_id_q": query, "then": "find"}).status_code == 200


@pytest.mark.parametrize("path", ["/students/2147483648", "/users/99999999999999999999", "/courses/99999999999999999999/enroll",
                                  "/students/9223372036854775808/edit"])
def test_an_id_no_row_can_have_is_a_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["advisor=99999999999999999999", "course=2147483648", "advisor=-1"])
def test_a_filter_by_an_id_no_row_can_have_is_ignored(client, add, query):
    add(Student, name="Ana", email="ana@school.example")
    html = client.get(f"/students?{query}").get_data(as_text=True)
    assert "Ana" in html


def test_picking_an_id_no_row_can_have_is_a_field_error(client, add):
    response = client.post("/students/new", data={**STUDENT, "advisor_id": "99999999999999999999"})
    assert "no longer exists" in response.get_data(as_text=True)
    course = add(Course, code="ART-1", title="Drawing", credits=2)
    response = client.post(f"/courses/{course}/enrollments", data={"student_id": "99999999999999999999"})
    assert response.status_code == 400


def test_a_field_shows_one_message_even_when_several_checks_fail(client):
    html = client.post("/students/new", data={**STUDENT, "gpa": "abc"}).get_data(as_text=True)
    errors = html[html.index('id="gpa-error"'):].split("</div>")[0]
    assert errors.count("<p>") == 1


@pytest.mark.parametrize("address", [
    "ana.lopez@school.example", "a..b@school.example", ".ab@school.example", "ab.@school.example", "ab@localhost",
    "x" * 64 + "@school.example", "x" * 65 + "@school.example", "jos\u00e9@school.example", "a b@school.example",
    "ab@exa_mple.org", '"a@b"@school.example', "ab@school", "ab@@school.example", "@school.example", "ab@",
    "a+b-c_9@sub.school.example", "ab@-school.example", "ab@[127.0.0.1]", "Postmaster@school.example",
])
def test_an_email_is_judged_as_email_validator_judges_it(address):
    """The form asks email_validator about the address's shape (letters as "a", digits as "0"): the same answer."""
    class Field:
        data = address

    try:
        email_validator.validate_email(address, check_deliverability=False)
        expected = True
    except email_validator.EmailNotValidError:
        expected = False
    try:
        email_address(None, Field)
        judged = True
    except ValidationError:
        judged = False
    assert judged == expected


@pytest.mark.parametrize("text", ["2024-09-01", "2024-9-1", "2024-02-30", "2024-13-01", "0000-01-01", "9999-12-31",
                                  "x", "", "2024-09-01 ", "\uff10\uff11\uff12\uff13-09-01", "20240901"])
def test_a_date_is_read_as_wtforms_reads_it(text):
    """IsoDateField reads YYYY-MM-DD with date.fromisoformat, the rest with strptime: the same value and message."""
    class Form(wtforms.Form):
        fast, plain = IsoDateField(), wtforms.DateField()

    form = Form(MultiDict({"fast": text, "plain": text}))
    form.validate()
    assert (form.fast.data, form.fast.errors) == (form.plain.data, form.plain.errors)


COURSE = {"title": "Drawing", "credits": "2"}
CODE_RULE = "Start with A–Z or a digit, then use A–Z, digits, spaces, dots, hyphens or underscores, like MATH-101."


@pytest.mark.parametrize("code", ["ÄÖ-1", "MATH–101", "-MATH", "ART/1", "ΑΡΤ-1"])
def test_a_course_code_outside_what_its_message_says_is_refused_saying_so(client, app, code):
    html = client.post("/courses/new", data={**COURSE, "code": code}).get_data(as_text=True)
    assert f'id="code-error"><p>{CODE_RULE}</p>' in html
    assert read(app, Course) == []


@pytest.mark.parametrize("code, stored", [("math-101", "MATH-101"), ("7b.2 x_1", "7B.2 X_1")])
def test_a_course_code_of_what_its_message_says_is_saved_in_capitals(client, app, code, stored):
    assert client.post("/courses/new", data={**COURSE, "code": code}).status_code == 302
    assert [course.code for course in read(app, Course)] == [stored]


def test_a_course_code_is_unique_ignoring_case(client, app, add):
    add(Course, code="ART-1", title="Painting", credits=2)
    html = client.post("/courses/new", data={**COURSE, "code": "art-1"}).get_data(as_text=True)
    assert "Another course already has this code." in html
    assert len(read(app, Course)) == 1
