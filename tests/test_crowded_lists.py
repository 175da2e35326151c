"""A list narrowed to more rows than it counts (a course a whole grade takes): its pages walk the sort order and look
each row up, so a page costs the same however many rows the course has."""

import re
from decimal import Decimal

import pytest
from sqlalchemy import event, insert

from models import Course, Enrollment, Student, User, db

CAP = 20  # the count cap in these tests: a course of more students than this is crowded


def crowd(app, students: int, course: int | None = None, enroll: bool = True) -> int:
    """Students numbered up to `students` (those not there yet), half of them without a GPA; and a course that every
    student with one takes (`course`, or a new one; `enroll` False: only those it had). The course's id."""
    with app.app_context():
        start = db.session.scalar(db.select(db.func.count()).select_from(Student))
        db.session.execute(insert(Student), [
            {"name": f"Kid {n % 13} {n:05}", "email": f"kid{n:05}@school.example", "grade": 1 + n % 12,
             "gpa": None if n % 2 else Decimal("2.00") + Decimal(n % 9) / 4, "search_text": f"kid {n:05}"}
            for n in range(start, students)])
        if course is None:
            db.session.add(new := Course(code="ENG-9", title="English", credits=3))
            db.session.flush()
            course = new.id
        taking = db.select(Student.id, db.literal(course)).where(
            Student.gpa.is_not(None), Student.id.not_in(db.select(Enrollment.student_id)))
        if enroll:
            db.session.execute(insert(Enrollment).from_select(["student_id", "course_id"], taking))
        db.session.commit()
        return course


def emails(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"(kid\d+@school\.example)", html.replace("<wbr>", ""))))  # twice in a row


def next_link(html: str) -> str | None:
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    return found.group(1).replace("&amp;", "&") if found else None


@pytest.mark.parametrize("sort", ["name", "-name", "gpa", "-gpa", "grade", "-enrolled"])
@pytest.mark.parametrize("page", ["/courses/{id}", "/students?course={id}"])
def test_a_crowded_course_lists_its_students_in_order_by_next_links(app, client, sort, page):
    course = crowd(app, 80)
    expected = emails(client.get(f"/students?course={course}&sort={sort}&per_page=100").get_data(as_text=True))
    assert len(expected) == 40  # counted within the cap: found first and sorted
    app.config.update(LIST_COUNT_CAP=CAP)
    url, seen = page.format(id=course) + f"{'&' if '?' in page else '?'}sort={sort}&per_page=7", []
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += emails(html)
        url = next_link(html)
    assert seen == expected


def test_a_crowded_course_says_it_has_more_students_than_the_list_counts(app, client):
    course = crowd(app, 80)
    app.config.update(LIST_COUNT_CAP=CAP)
    html = client.get(f"/students?course={course}").get_data(as_text=True)
    assert f"of more than {CAP} students" in html


@pytest.fixture
def steps(app):
    """How much work SQLite does for the statements run while it is in use: its virtual machine's steps, in
    hundreds, counted by a progress handler (the same for the same data, however busy the machine)."""
    counted = [0]

    def count(conn, cursor, statement, parameters, context, executemany):
        conn.connection.dbapi_connection.set_progress_handler(lambda: counted.__setitem__(0, counted[0] + 1), 100)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    yield counted
    event.remove(engine, "before_cursor_execute", count)


def work(client, steps, url: str) -> int:
    assert client.get(url).status_code == 200  # once to warm up: the signed-in user, the statements' cache
    steps[0] = 0
    assert client.get(url).status_code == 200
    return steps[0]


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("url", ["/courses/{id}", "/courses/{id}?sort=-gpa", "/courses/{id}?sort=email",
                                 "/students?course={id}", "/students?course={id}&sort=-gpa"])
def test_a_crowded_courses_first_page_costs_the_same_at_ten_times_the_students(app, client, steps, url):
    """Found first, every student of the course was listed (or looked up) to sort them; by GPA, the students without
    one were searched for the course's first ones."""
    course = crowd(app, 300)
    app.config.update(LIST_COUNT_CAP=CAP)
    few = work(client, steps, url.format(id=course))
    crowd(app, 3000, course)
    many = work(client, steps, url.format(id=course))
    assert many < few * 1.5, (few, many)


def matching(client, url: str) -> list[str]:
    """Every row of a list, by its next links, 7 a page."""
    seen = []
    while url:
        html = client.get(url).get_data(as_text=True)
        seen += emails(html)
        url = next_link(html)
    return seen


@pytest.mark.parametrize("crowded", [False, True], ids=["few", "crowded"])
@pytest.mark.parametrize("page", ["/courses/{id}?q={q}", "/students?course={id}&q={q}"])
@pytest.mark.parametrize("q", ["kid 3", "0001", "ada"])
def test_a_search_in_a_course_finds_its_students_that_match(app, client, add, crowded, page, q):
    """Each of its students checked where they are few; the search's matches each looked up among them where they are
    more than the list counts: the same students, in order, either way."""
    course = crowd(app, 80)
    advisor = add(User, name="Ada Advisor", email="ada@example.org")
    with app.app_context():
        db.session.execute(db.update(Student).where(Student.id % 5 == 0).values(advisor_id=advisor))
        db.session.commit()
    everyone = set(emails(client.get(f"/students?q={q}&per_page=100").get_data(as_text=True)))
    taking = emails(client.get(f"/students?course={course}&per_page=100&sort=-gpa").get_data(as_text=True))
    expected = [email for email in taking if email in everyone]
    assert 0 < len(expected) < len(taking)
    if crowded:
        app.config.update(LIST_COUNT_CAP=CAP)
    url = page.format(id=course, q=q.replace(" ", "+")) + "&sort=-gpa&per_page=7"
    assert matching(client, url) == expected


@pytest.mark.backends("sqlite")
def test_a_search_in_a_small_course_costs_the_same_however_many_others_match(app, client, steps):
    """Its students are checked one by one: the search's matches among every student were gathered first."""
    course = crowd(app, 40)
    url = f"/courses/{course}?q=kid"
    few = work(client, steps, url)
    crowd(app, 2000, course, enroll=False)
    many = work(client, steps, url)
    assert many < few * 1.5, (few, many)


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("url", ["/courses/{id}", "/courses/{id}?sort=-name", "/students?course={id}",
                                 "/courses/{id}?page=4&per_page=7", "/courses/{id}?sort=-gpa",
                                 "/students?course={id}&sort=gpa"])
def test_a_course_few_of_many_students_take_lists_them_by_name_or_gpa_for_the_same_work(app, client, steps, url):
    """By name or GPA, its students are a range of an index of the enrollments (each carries the student's name and
    GPA): with ten times the students, and nine others beside each in every order, walking the students' index met
    ten times as many students for a page, and finding all of them first sorted ten times as many."""
    course = crowd(app, 300)
    app.config.update(LIST_COUNT_CAP=CAP)
    few = work(client, steps, url.format(id=course))
    crowd(app, 3000, course)
    with app.app_context():  # nine others beside each of them, taking other courses or none
        db.session.execute(insert(Student), [
            {"name": f"Kid {n % 3000 % 13} {n % 3000:05} {n:05}", "email": f"other{n:05}@school.example",
             "grade": 1, "gpa": Decimal("2.00") + Decimal(n % 3000 % 9) / 4, "search_text": "other"}
            for n in range(3000, 30000)])
        db.session.commit()
    many = work(client, steps, url.format(id=course))
    assert many < few * 1.5, (few, many)


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("url", ["/courses/{id}?q=ada", "/students?course={id}&q=0001", "/courses/{id}?q=kid+ada"])
def test_a_search_in_a_crowded_course_looks_up_the_ids_the_indexes_list_without_reading_their_rows(
        app, client, add, url):
    """Its count (the branch of it beyond the cap) takes the ids the trigram index and an advisor's advisees list,
    and looks each up among the course's enrollments: each read from the students table first, "mar" in a grade's
    course took twice as long at 1,000,000 students."""
    course = crowd(app, 80)
    advisor = add(User, name="Ada Advisor", email="ada@example.org")
    with app.app_context():
        db.session.execute(db.update(Student).where(Student.id % 5 == 0).values(advisor_id=advisor))
        db.session.commit()
        engine = db.engine
    app.config.update(LIST_COUNT_CAP=CAP)
    counts = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if "WITH counted AS" in statement:
            counts.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    assert client.get(url.format(id=course)).status_code == 200
    event.remove(engine, "before_cursor_execute", keep)
    with app.app_context():
        plan = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + counts[-1][0], counts[-1][1]).all()
    crowded = {next(id for id, _, _, detail in plan if detail == "UNION ALL")}  # the branch beyond the cap
    for id, parent, _, _ in plan:
        if parent in crowded:
            crowded.add(id)
    steps = [detail for id, _, _, detail in plan if id in crowded]
    assert any(step.startswith("SEARCH enrollments") and "student_id=? AND course_id=?" in step for step in steps)
    assert not [step for step in steps if step.startswith("SEARCH students USING INTEGER PRIMARY KEY")], steps


def test_the_students_list_of_a_crowded_course_walks_a_search_looking_each_student_up(app, client, count_statements):
    """Told how many students the course has (its kept count, read with the search's), the students list walks the
    name order looking each student met up, as the course's page does: it listed every student of the course first
    ("mar" in a grade's course at 1,000,000 students: 34 ms for the page, each looked up 0.2)."""
    course = crowd(app, 80)
    expected = emails(client.get(f"/courses/{course}?q=0002&per_page=100").get_data(as_text=True))
    assert len(expected) == 6
    app.config.update(LIST_COUNT_CAP=CAP, LIST_INDEX_THEN_SORT=2)  # more than a few matches: the name order walked
    count_statements.clear()
    assert emails(client.get(f"/students?course={course}&q=0002").get_data(as_text=True)) == expected
    page = next(" ".join(s.split()) for s in count_statements if "ORDER BY students.sort_name" in s)
    assert "enrollments.student_id = students.id" in page
    assert "students.id IN (SELECT enrollments.student_id" not in page


@pytest.mark.parametrize("crowded", [False, True], ids=["few", "crowded"])
@pytest.mark.parametrize("sort", ["name", "-gpa"])
def test_a_search_in_a_courses_page_is_counted_with_the_course_and_not_run_again(
        app, client, count_statements, crowded, sort):
    """The course's statement counts the search as the students list's count does, listing the ids of few matches;
    the page reads those rows by id (a surname in a grade's course at 1,000,000 students, SQLite: 28 -> 18 ms)."""
    course = crowd(app, 80)
    expected = [email for email in emails(client.get(f"/students?course={course}&sort={sort}&per_page=100")
                                          .get_data(as_text=True)) if "0002" in email]
    assert len(expected) == 6
    if crowded:
        app.config.update(LIST_COUNT_CAP=CAP)
    count_statements.clear()
    assert emails(client.get(f"/courses/{course}?q=0002&sort={sort}").get_data(as_text=True)) == expected
    count = next(" ".join(s.split()) for s in count_statements if "WITH counted AS" in s)
    page = next(" ".join(s.split()) for s in count_statements if "ORDER BY students." in s and s not in count)
    assert "FROM courses" in count, count
    assert "LIKE" not in page and "MATCH" not in page, page


@pytest.mark.backends("sqlite")
@pytest.mark.parametrize("page", ["/courses/{id}", "/students?course={id}"])
def test_a_page_past_the_last_of_a_few_matches_in_a_crowded_course_reads_them_once(
        app, client, count_statements, page):
    """A page number past the last (typed, or a list that shrank) is not the page the count listed: the last page's
    few matches are the ids the search index lists, each looked up among the course's enrollments once (a CTE the
    GPA order's two runs share); checked row by row, "garcia" in a grade's course at 1,000,000 students took 61 ms,
    so 27."""
    course = crowd(app, 80)
    expected = [email for email in emails(client.get(f"/students?course={course}&sort=-gpa&per_page=100")
                                          .get_data(as_text=True)) if "0002" in email]
    app.config.update(LIST_COUNT_CAP=CAP)
    count_statements.clear()
    url = page.format(id=course) + f"{'&' if '?' in page else '?'}q=0002&sort=-gpa&page=9"
    assert emails(client.get(url).get_data(as_text=True)) == expected and len(expected) == 6  # page 1 of 1
    read = next(" ".join(s.split()) for s in count_statements
                if "ORDER BY students.gpa" in s and "WITH counted" not in s)
    assert read.startswith("WITH crowd AS"), read
