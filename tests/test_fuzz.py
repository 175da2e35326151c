"""Property-based fuzzing of every form and every page's query string with hostile values (Hypothesis): no answer is a
5xx, and a post that is refused changes no row. What is fuzzed, and with what, is in fuzzing.py.

Hypothesis runs derandomized (`derandomize=True`) rather than with a fixed seed: the examples follow from each test's
own code, so a failure in CI repeats on any machine, and editing a test explores new examples. Edge values that
random examples would take too long to hit are also swept through every field and argument of their kind.
"""

from itertools import product

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from fuzzing import (
    EDGE_DATES, EDGE_NUMBERS, EDGE_TEXT, HOSTILE_IN_URLS, NAME, RAW, RESOURCES, body, encoded, fields, form_values,
    kind_of, names_read_from, pages, plausible, posted_forms, query_readers, query_values, rows, url,
)
import records
from helpers import read
from listing.keyset import TAGS
from models import ChangeSet, Course, Enrollment, SavedView, Student, User, db

# Each test's max_examples: the whole file runs in under a minute on SQLite, PostgreSQL and MariaDB together on a
# shared 2-core machine; the sweeps, not the examples, are what reliably reach every edge value.
FUZZ = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
    database=None,
    derandomize=True,
)


@pytest.fixture
def existing(app, add):
    """A row of each kind, by the route argument that names it: {"students.id": 1, ...}."""
    teacher = add(User, name="Other Teacher", email="other@example.org", role="editor")
    course = add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=teacher)
    student = add(Student, name="Ana", email="ana@school.example", advisor_id=teacher)
    add(Enrollment, student_id=student, course_id=course)
    with app.app_context(), records.change():  # a change set, for the routes that undo one
        db.session.get(Student, student).grade = 6
    change_set = read(app, ChangeSet)[0].id
    admin = read(app, User, email="root@example.org")[0].id
    view = add(SavedView, owner_id=admin, resource="students", name="Grade 3", query="grade=3")  # the client's
    uploads = {f"{name}.upload_id": 1 for name in ("users", "students", "courses")}  # none: answered with a 404
    return {"users.id": teacher, "students.id": student, "courses.id": course, "courses.student_id": student,
            "changes.id": change_set, "saved_views.id": view, **uploads}


@pytest.fixture
def forms(app):
    return posted_forms(app)


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_every_form_answers_below_500_and_a_refused_post_changes_nothing(app, client, existing, forms, data):
    endpoint = data.draw(st.sampled_from(sorted(set(forms) - {"auth.setup"})), label="endpoint")  # setup: below
    before = rows(app)
    sender = app.test_client() if endpoint == "auth.login" else client  # signed in, sign-in only redirects
    posted = body(data, form_values(forms[endpoint], data.draw(NAME)))
    response = sender.post(url(app, endpoint, existing, data.draw), data=posted, content_type="application/x-www-form-urlencoded")
    event(f"{endpoint}: {response.status_code}")  # how far the examples get: --hypothesis-show-statistics
    assert response.status_code < 500
    if not 300 <= response.status_code < 400:
        assert rows(app) == before


def test_every_edge_value_in_every_form_field_of_its_kind(app, client, existing, forms):
    """The edge values, each in every field of its kind at once, all the rest plausible: what random examples
    would take too long to hit (a signaling NaN in the one decimal field, say)."""
    edges = {"number": EDGE_NUMBERS, "date": EDGE_DATES, "text": EDGE_TEXT}
    for endpoint, form in sorted(forms.items()):
        if endpoint == "auth.setup":  # no such page once an admin exists: fuzzed on its own below
            continue
        sender = lambda: app.test_client() if endpoint == "auth.login" else client  # signed out each time
        read = [name for name in names_read_from("form") if name not in form]  # read as text or as a number
        path = url(app, endpoint, existing)
        for kind, values in edges.items():
            spoiled = [name for name, field in form.items() if kind_of(field) == kind] + read
            for value in values:
                pairs = [(name, value) for name in spoiled]
                pairs += [(name, plausible(field, "edge")[0]) for name, field in form.items()
                          if name not in spoiled and plausible(field, "edge")]
                before = rows(app)
                response = sender().post(path, data=encoded(pairs, []), content_type="application/x-www-form-urlencoded")
                assert response.status_code < 500, (endpoint, pairs)
                if not 300 <= response.status_code < 400:
                    assert rows(app) == before, (endpoint, pairs)


def test_every_combination_of_plausible_values_answers_below_500_and_a_refusal_changes_nothing(app, client, existing, forms):
    """Each form with every combination of its fields' plausible values: the refusals random examples may miss
    (a wrong password for an existing account, an email another user has) are each posted once."""
    for endpoint, form in sorted(forms.items()):
        if endpoint == "auth.setup":
            continue
        sender = lambda: app.test_client() if endpoint == "auth.login" else client  # signed out each time
        choices = {name: plausible(field, "combo") for name, field in form.items() if plausible(field, "combo")}
        for combination in product(*choices.values()):
            before = rows(app)
            response = sender().post(url(app, endpoint, existing), data=dict(zip(choices, combination)))
            assert response.status_code < 500, (endpoint, combination)
            if not 300 <= response.status_code < 400:
                assert rows(app) == before, (endpoint, combination)


@pytest.fixture
def app_without_users(make_app):
    """An app whose setup page is open: no admin, no user at all."""
    app = make_app()
    with app.app_context():
        db.create_all()
    return app


@settings(FUZZ, max_examples=25)
@given(data=st.data())
def test_the_setup_form_answers_below_500_and_a_refused_setup_changes_nothing(app_without_users, data):
    app = app_without_users
    values = form_values(posted_forms(app)["auth.setup"], data.draw(NAME))  # the URL map only: cheap
    response = app.test_client().post("/setup", data=body(data, values), content_type="application/x-www-form-urlencoded")
    event(f"setup: {response.status_code}")
    assert response.status_code < 500
    with app.app_context():
        created = db.session.scalars(db.select(User)).all()
        for user in created:  # the next example sets up again
            db.session.delete(user)
        db.session.commit()
    if not 300 <= response.status_code < 400:
        assert created == []


@settings(FUZZ, max_examples=100)
@given(data=st.data())
def test_every_page_answers_below_500_whatever_its_query_string(app, client, existing, data):
    endpoint = data.draw(st.sampled_from(pages(app)), label="endpoint")
    query = encoded(data.draw(fields(query_values(), HOSTILE_IN_URLS), label="query"), data.draw(st.lists(RAW, max_size=2)))
    response = client.get(f"{url(app, endpoint, existing, data.draw)}?{query}")
    event(f"{endpoint}: {response.status_code}")
    assert response.status_code < 500


def test_every_edge_value_in_every_argument_of_a_page_that_reads_them(app, client, existing):
    """The edge values, each in every argument at once, on each page whose view reads its query string."""
    for endpoint in query_readers(app):
        for value in EDGE_NUMBERS + EDGE_DATES + EDGE_TEXT:
            query = encoded([(name, value) for name in query_values()], [])
            response = client.get(f"{url(app, endpoint, existing)}?{query}")
            assert response.status_code < 500, (endpoint, value)


def test_every_edge_value_of_its_kind_in_a_cursor_of_every_sort(app, client):
    """A cursor holds a row's sort value, and a page only reads one of the sort's own kind: each kind's edge values
    in a cursor from the page before and from the page after, on every sort of every list."""
    edges = {"s": [value for value in EDGE_TEXT if isinstance(value, str)], "i": EDGE_NUMBERS, "n": EDGE_NUMBERS,
             "d": EDGE_DATES, "t": EDGE_DATES}
    for resource in RESOURCES:
        for sort, column in resource.listing.sorts.items():
            tag = TAGS[column.type.python_type]
            for value in edges[tag]:
                for page, cursor_page in ((2, 1), (1, 3)):
                    query = encoded([("sort", sort), ("page", str(page)), ("cursor", f"{cursor_page}.1.{tag}{value}")], [])
                    response = client.get(f"/{resource.name}?{query}")
                    assert response.status_code < 500, (resource.name, sort, value)
