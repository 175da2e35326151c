"""Export: every list, as its pages show it (search, filters, sort), every row, as CSV or XLSX."""

import csv
import html
import io
import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from python_calamine import CalamineWorkbook

from models import Course, Enrollment, SignIn, Student, User
from helpers import read, signed_in
from spreadsheets import writing
from spreadsheets.columns import KeysById


def page_names(client, path: str) -> list[str]:
    """The first column of every page of a list, page after page, following its "Next" links."""
    names = []
    while path:
        page = client.get(path).get_data(as_text=True)
        body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
        names += [html.unescape(name) for name in re.findall(r"<tr>\s*(?:<td class=\"tick\">.*?</td>)?<td[^>]*><a href=\"[^\"]+\">([^<]*)</a>", body)]
        following = re.search(r'<a href="([^"]+)" rel="next"', page)
        path = html.unescape(following.group(1)) if following else None
    return names


def exported(client, path: str) -> list[dict]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def school(add, people):
    users, students = people
    math = add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=users[0])
    add(Course, code="ART-001", title="=Drawing", credits=2)
    more = add.many(Student, [{"name": f"Student {n:02}", "email": f"s{n}@school.example", "grade": n % 12 + 1,
                               "advisor_id": users[n % 2]} for n in range(30)])
    add.many(Enrollment, [{"student_id": id, "course_id": math} for id in students + more[:12]])
    return math


@pytest.mark.parametrize("query", ["", "?sort=-name", "?q=student+1", "?grade=3&sort=-gpa", "?sort=enrolled&q=a"])
def test_students_export_has_the_rows_of_the_pages_in_their_order(client, school, query):
    pages = page_names(client, f"/students{query}{'&' if query else '?'}per_page=10")
    rows = exported(client, f"/students/export{query}")
    assert [row["Name"] for row in rows] == pages and pages


@pytest.mark.parametrize("path", ["/users?sort=-age", "/users?age_min=30", "/courses?sort=-credits", "/courses?q=math"])
def test_users_and_courses_export_has_the_rows_of_the_pages_in_their_order(client, school, path):
    list_path, _, query = path.partition("?")
    rows = exported(client, f"{list_path}/export?{query}")
    column = "Code" if list_path == "/courses" else "Name"
    assert [row[column] for row in rows] == page_names(client, f"{path}&per_page=10")


def test_a_courses_students_export_has_the_rows_of_its_page_in_their_order(client, school):
    rows = exported(client, f"/courses/{school}/students/export?sort=-grade&q=student")
    names = page_names(client, f"/courses/{school}?sort=-grade&q=student&per_page=10")
    assert [row["Name"] for row in rows] == names and len(names) == 12


def test_export_names_related_rows_by_natural_key(client, school):
    ana = next(row for row in exported(client, "/students/export") if row["Name"] == "Ana Álvarez")
    assert (ana["Courses"], ana["Advisor"], ana["Grade"]) == ("MATH-101", "", "3")
    course = exported(client, "/courses/export?q=math")[0]
    assert (course["Teacher"], course["Students"]) == ("zoe@example.org", "15")


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised(client, school):
    text = client.get("/courses/export").get_data(as_text=True)
    assert "ART-001,'=Drawing,2" in text


def test_csv_for_excel_starts_with_the_byte_order_mark(client, school):
    assert client.get("/students/export?bom=1").data.startswith(b"\xef\xbb\xbfName,Email")
    assert client.get("/students/export").data.startswith(b"Name,Email")


def test_xlsx_export_has_the_same_rows_typed(client, school):
    response = client.get("/students/export?format=xlsx&sort=-name")
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.data)).get_sheet_by_index(0).to_python()
    csv_rows = exported(client, "/students/export?sort=-name")
    assert [row[0] for row in rows[1:]] == [row["Name"] for row in csv_rows]
    assert rows[0][:3] == ["Name", "Email", "Grade"] and isinstance(rows[1][2], float)


def test_a_viewer_may_export_and_the_export_is_in_the_sign_in_log(client_as, app, school):
    viewer = client_as("viewer")
    response = viewer.get("/students/export?grade=3")
    assert response.status_code == 200 and response.is_streamed
    response.close()  # the download ends: the stream held the viewer's request open
    [logged] = read(app, SignIn, event="export")
    assert (logged.email, logged.detail) == ("viewer@example.org", "students?grade=3")
    admin = signed_in(app, "root@example.org")
    assert "Exported students?grade=3" in admin.get("/sign-ins").get_data(as_text=True)


def test_list_pages_link_to_their_export_with_their_query(client, school):
    page = client.get("/students?grade=3&sort=-name").get_data(as_text=True)
    assert 'href="/students/export?format=csv&amp;sort=-name&amp;grade=3"' in page


def test_export_command_writes_the_filtered_list(runner, school, app):
    result = runner.invoke(args=["export", "students", "--grade", "3", "--sort", "-name"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [row["Name"] for row in rows] == sorted((row["Name"] for row in rows), reverse=True)
    assert {row["Grade"] for row in rows} == {"3"} and rows
    assert read(app, SignIn, event="export")[0].email == "flask export"


def test_users_export_has_no_password(client, school):
    header = client.get("/users/export").get_data(as_text=True).splitlines()[0]
    assert header == "Name,Email,Age,Role,Active,Added,Advisees"
    assert "password" not in client.get("/users/export").get_data(as_text=True).lower()
    assert read(client.application, User)  # the export changed nothing


def test_csv_cells_read_by_their_type_are_as_text_makes_them():
    """csv_chunks looks each cell's converter up by its exact type; a subclass of str is neutralised all the same."""
    class Label(str):
        pass

    values = ["=SUM(A1)", "Ana", "", 7, Decimal("3.25"), date(2015, 3, 1), datetime(2026, 1, 2, 3, 4, 5, 6), True,
              False, None, Label("@cmd"), -3]
    (line,) = list(csv.reader(io.StringIO(b"".join(writing.csv_chunks(["h"] * len(values), [values])).decode())))[1:]
    assert line == [writing.as_text(value) for value in values]
    assert line[0] == "'=SUM(A1)" and line[10] == "'@cmd" and line[7:10] == ["yes", "no", ""]


def test_courses_added_after_an_export_began_are_named_by_code(app, school, add):
    """named_keys reads every course's code once; a course added while the rows stream is looked up when met."""
    with app.app_context():
        keys = KeysById(Course)
    late = add(Course, code="LATE-100", title="Late", credits=1)
    with app.app_context():
        assert str(late) not in keys and keys[str(school)] == "MATH-101" and keys[str(late)] == "LATE-100"


CSV, XLSX = "text/csv; charset=utf-8", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize("path, content_type", [
    ("/students/export?format=csv", CSV), ("/students/export?bom=1", CSV), ("/users/export", CSV),
    ("/courses/export", CSV), ("/courses/{math}/students/export", CSV), ("/students/export?format=xlsx", XLSX),
    ("/courses/{math}/students/export?format=xlsx", XLSX), ("/students/print", "text/html; charset=utf-8"),
    ("/courses/{math}/print", "text/html; charset=utf-8"),
])
def test_every_download_names_its_type_and_charset_once(client, school, path, content_type):
    response = client.get(path.format(math=school))
    response.close()
    assert response.status_code == 200 and response.headers["Content-Type"] == content_type


@pytest.mark.parametrize("query, named", [
    ("", "students"),
    ("?grade=9&q=mar&sort=-gpa", "students-grade-9-mar"),
    ("?grade=9&grade=10", "students-grade-9-10"),
    ("?advisor=none", "students-no-advisor"),
    ("?q=%22O%27Brien%2C+Ana%22", "students-o-brien-ana"),
    ("?q=" + "x" * 200, "students-" + "x" * 60),
], ids=["unfiltered", "grade and search", "two grades", "no advisor", "quotes and commas", "a long search"])
def test_an_export_is_named_for_the_filters_and_search_it_holds(client, school, query, named):
    response = client.get(f"/students/export{query}")
    response.close()
    assert response.headers["Content-Disposition"] == f'attachment; filename="{named}-{date.today()}.csv"'


def test_an_export_names_a_related_row_and_a_yes_or_no_filter_as_their_chips_do(client, app, school):
    [omar] = [user for user in read(app, User) if user.email == "omar@example.org"]  # "Omar 50%_off"
    response = client.get(f"/courses/export?teacher={omar.id}&format=xlsx")
    response.close()
    assert f'filename="courses-teacher-omar-50-off-{date.today()}.xlsx"' in response.headers["Content-Disposition"]
    response = client.get("/users/export?active=no&role=admin")
    response.close()
    assert f'filename="users-role-admin-inactive-{date.today()}.csv"' in response.headers["Content-Disposition"]


@pytest.mark.parametrize("term, plain, quoted", [
    ("Zoë", "students-zoe", "students-zo%C3%AB"),
    ("Иван", "students", "students-%D0%B8%D0%B2%D0%B0%D0%BD"),
], ids=["accented", "cyrillic"])
def test_an_export_named_beyond_ascii_has_an_ascii_name_and_the_utf8_one(client, school, term, plain, quoted):
    response = client.get("/students/export", query_string={"q": term})
    response.close()
    assert response.headers["Content-Disposition"] == (f'attachment; filename="{plain}-{date.today()}.csv"; '
                                                       f"filename*=UTF-8''{quoted}-{date.today()}.csv")
    response.headers["Content-Disposition"].encode("latin-1")  # a header Werkzeug and every server can send


def test_a_courses_students_export_is_named_for_its_course_and_search(client, school):
    response = client.get(f"/courses/{school}/students/export?q=student")
    response.close()
    assert f'filename="MATH-101-students-student-{date.today()}.csv"' in response.headers["Content-Disposition"]
