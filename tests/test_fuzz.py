"""Property-based fuzzing of every form and every page's query string with hostile values: no answer is a 5xx,
and a post that is refused changes no row.

What is fuzzed is read from the app itself, so a new form, field, filter or argument is fuzzed without a change
here: the POST and GET routes from the URL map; each POST view's form (a form class, or a resource's `form`, that
the view names); the list arguments and filters from the resources' listings; and every name the code reads
straight from request.args or request.form. Hypothesis runs derandomized (`derandomize=True`): the examples follow
from the test's own code, so a CI failure repeats on any machine, and an edit of the test explores new ones.
"""

import inspect
import re
from pathlib import Path
from urllib.parse import quote_from_bytes

import pytest
from flask_wtf import FlaskForm
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from wtforms import BooleanField, DateField, DecimalField, EmailField, IntegerField, PasswordField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

import resources
from helpers import PASSWORD
from listing import ListArgs
from listing.keyset import DECODERS
from models import ID_MAX, Course, Enrollment, Student, User, db
from validators import PickMany, PickOne

ROOT = Path(__file__).parent.parent
RESOURCES = [value for value in vars(resources).values() if isinstance(value, resources.Resource)]
FUZZ = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
    database=None,
    derandomize=True,
)


def names_read_from(kind: str) -> set[str]:
    """The names the app's code reads directly from request.args or request.form (not through a form)."""
    pattern = re.compile(rf'request\.{kind}\.get\(\s*"([^"]+)"')
    sources = [path for path in ROOT.glob("**/*.py") if not {".venv", "tests", "bench", "node_modules"} & set(path.parts)]
    return {name for path in sources for name in pattern.findall(path.read_text())}


def fields_of(form_class) -> dict[str, UnboundField]:
    return {name: field for name in dir(form_class) if isinstance(field := getattr(form_class, name), UnboundField)}


def form_of(view):
    """The form class a view builds: one it names, or the `form` of a resource it names; None if neither."""
    view = inspect.unwrap(view)
    for name in view.__code__.co_names:
        found = view.__globals__.get(name)
        if isinstance(found, resources.Resource) and "form" in view.__code__.co_names:
            return found.form
        if isinstance(found, type) and issubclass(found, FlaskForm):
            return found
    return None


def posted_forms(app) -> dict[str, dict[str, UnboundField]]:
    """Every POST route that reads what is posted, with the form fields it reads. Those that read nothing (delete,
    unenroll, sign out: the route alone says what to do) have nothing to fuzz."""
    forms = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        form = form_of(view)
        if "POST" in rule.methods and (form or "request.form" in inspect.getsource(inspect.unwrap(view))):
            forms[rule.endpoint] = fields_of(form) if form else {}
    return forms


def pages(app) -> list[str]:
    return sorted(rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods and rule.endpoint != "static")


# Hostile values: each a str, or bytes for what no browser would send as UTF-8.
CONTROL = st.text(st.characters(max_codepoint=0x9F) | st.sampled_from("\u2028\u202e\ufeff\ufffd"), min_size=1)
TEXT = st.text(st.characters(exclude_categories=()), max_size=30)  # surrogates too: sent as invalid UTF-8
# gunicorn refuses a request line past 4094 bytes, so longer query strings never reach the app.
LONG = st.builds(
    lambda text, size: text * size,
    st.sampled_from(["x", "\x00", "é", "9", "%FF", "€", " "]),
    st.sampled_from([99, 100, 101, 200, 201, 254, 255, 4301]),
)
HUGE = LONG | st.just("€" * 100_000)
INVALID_UTF8 = st.sampled_from([b"\xe2\x82", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"abc\x80"]) | st.binary(max_size=12)
NUMBERS = (
    st.sampled_from(["-1", "0", "-0", "1", str(ID_MAX), str(ID_MAX + 1), str(2**63), str(-(2**63) - 1), "1e309",
                     "-1e309", "NaN", "-NaN", "Infinity", "sNaN", "1e-400", "0.005", "4.001", "1.5", " 7 ", "+3",
                     "0x10", "1_0", "٣", "１２", "9" * 5000, "1" + "0" * 30])
    | st.integers().map(str)
    | st.floats().map(str)
    | st.decimals().map(str)
)
DATES = st.sampled_from(["2024-02-30", "2023-02-29", "0000-01-01", "0001-01-01", "99999-01-01", "1899-12-31",
                         "2101-01-01", "9999-12-31", "2024-13-01", "2024-00-10", "-2024-01-01", "2024-1-1",
                         "2024-01-01T00:00", "20240101", "2024/01/01"]) | st.dates().map(str) | st.builds(
    "{}-{:02}-{:02}".format, st.integers(-1, 100_000), st.integers(0, 13), st.integers(0, 32))
HOSTILE = st.one_of(TEXT, CONTROL, HUGE, INVALID_UTF8, NUMBERS, DATES)
HOSTILE_IN_URLS = st.one_of(TEXT, CONTROL, LONG, INVALID_UTF8, NUMBERS, DATES)
NAME = st.text(st.sampled_from("abcdefghij"), min_size=4, max_size=8)  # for plausible values that pass the checks
RAW = st.sampled_from(["%", "%zz", "%FF=%FE", "&", "=", "==", ";", "%00=%00", "%E2%82=x", "a=%E2%82", "+"])
TOO_BIG = "padding=" + "x" * 1024 * 1024  # past MAX_CONTENT_LENGTH: the post is refused whole (413)
CURSORS = st.builds("{}.{}.{}{}".format, NUMBERS, NUMBERS, st.sampled_from([*DECODERS, "-", "x"]), NUMBERS | DATES | TEXT)
PATH_IDS = [0, ID_MAX, ID_MAX + 1, 2**63]  # no row, or past any row id (the route matches nothing)


def plausible(field: UnboundField, name: str) -> list[str]:
    """What a person could post in the field and have it accepted, so that fuzzing reaches the checks that come
    after the field's own (uniqueness, the save): read from the field's type and its range."""
    kind, kwargs = field.field_class, field.kwargs
    if issubclass(kind, (PickOne, PickMany)):
        return []
    if issubclass(kind, BooleanField):
        return ["y"]
    if issubclass(kind, SelectField):
        default = kwargs.get("default")
        return [str(default if default is not None else kwargs["choices"][0].value)]
    if issubclass(kind, PasswordField):
        return [PASSWORD]
    if issubclass(kind, EmailField):
        return [f"{name}@example.org"]
    if issubclass(kind, DateField):
        return ["2024-01-01"]
    if issubclass(kind, (IntegerField, DecimalField)):
        ranges = [v for v in kwargs.get("validators") or [] if isinstance(v, NumberRange) and v.min is not None]
        return [str(ranges[0].min if ranges else 1)]
    return [name.upper()]  # a code (capitals, like MATH-101), a name, a title


@st.composite
def fields(draw, known: dict[str, tuple[list[str], st.SearchStrategy]], hostile) -> list[tuple[str, str | bytes]]:
    """(name, value) pairs: a few of the known names spoiled (left out, given once or again and again, with values
    from their strategy), the others given their plausible values (if any); then unknown names, in any order."""
    spoiled = draw(st.sets(st.sampled_from(sorted(known))), label="spoiled")
    pairs = []
    for name, (good, values) in known.items():
        given = draw(st.lists(values, max_size=3)) if name in spoiled else good
        pairs += [(name, value) for value in given]
    pairs += draw(st.lists(st.tuples(TEXT | INVALID_UTF8, hostile), max_size=3))
    return draw(st.permutations(pairs))


def encoded(pairs, raw: list[str]) -> str:
    """An urlencoded body or query string, with bytes sent as they are: %FF and such."""
    def quote(value):
        data = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
        return quote_from_bytes(data, safe="")

    return "&".join([f"{quote(name)}={quote(value)}" for name, value in pairs] + raw)


def form_values(form: dict[str, UnboundField], name: str) -> dict[str, tuple[list[str], st.SearchStrategy]]:
    values = {}
    for field_name, field in form.items():
        good = plausible(field, name)
        values[field_name] = (good, st.sampled_from(good) | HOSTILE if good else HOSTILE)
        if issubclass(field.field_class, (PickOne, PickMany)):
            values[f"{field_name}_q"] = ([], HOSTILE)  # the picker's search box (views/pickers.py)
    for read in names_read_from("form"):
        values.setdefault(read, ([], st.sampled_from(["find", "add-another"]) | HOSTILE))
    return values


def body(data, values) -> str:
    return encoded(data.draw(fields(values, HOSTILE), label="fields"), data.draw(st.lists(RAW | st.just(TOO_BIG), max_size=2), label="raw"))


def rows(app) -> dict[str, list[str]]:
    """Every row of every table: small in these tests, and what a refused post must leave as it was."""
    with app.app_context():
        return {table.name: sorted(map(repr, db.session.execute(table.select()))) for table in db.metadata.sorted_tables}


def url(app, endpoint: str, draw, existing: dict[str, int]) -> str:
    """The route's URL with an existing row's id (of the route's resource) or a hostile one for each argument."""
    rule = next(app.url_map.iter_rules(endpoint))
    ids = lambda arg: st.sampled_from([existing[f"{endpoint.split('.')[0]}.{arg}"]] * 3 + PATH_IDS)  # mostly a row
    values = {arg: draw(ids(arg)) for arg in rule.arguments}
    return rule.build(values)[1]


@pytest.fixture
def existing(app, add):
    """A row of each kind, by the route argument that names it: {"students.id": 1, ...}."""
    teacher = add(User, name="Other Teacher", email="other@example.org", role="editor")
    course = add(Course, code="MATH-101", title="Algebra", credits=3, teacher_id=teacher)
    student = add(Student, name="Ana", email="ana@school.example", advisor_id=teacher)
    add(Enrollment, student_id=student, course_id=course)
    return {"users.id": teacher, "students.id": student, "courses.id": course, "courses.student_id": student}


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_every_form_answers_below_500_and_a_refused_post_changes_nothing(app, client, existing, data):
    forms = posted_forms(app)
    endpoint = data.draw(st.sampled_from(sorted(set(forms) - {"auth.setup"})), label="endpoint")  # setup: below
    before = rows(app)
    sender = app.test_client() if endpoint == "auth.login" else client  # signed in, sign-in only redirects
    response = sender.post(url(app, endpoint, data.draw, existing), data=body(data, form_values(forms[endpoint], data.draw(NAME))),
                           content_type="application/x-www-form-urlencoded")
    event(f"{endpoint}: {response.status_code}")  # how far the examples get: --hypothesis-show-statistics
    assert response.status_code < 500
    if not 300 <= response.status_code < 400:
        assert rows(app) == before


@pytest.fixture
def app_without_users(make_app):
    app = make_app()
    with app.app_context():
        db.create_all()
    return app


@settings(FUZZ, max_examples=40)
@given(data=st.data())
def test_the_setup_form_answers_below_500_and_a_refused_setup_changes_nothing(app_without_users, data):
    app = app_without_users
    values = form_values(posted_forms(app)["auth.setup"], data.draw(NAME))
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


def query_values() -> dict[str, st.SearchStrategy]:
    """Every argument a page reads, with the values it accepts (sorts, choices) besides the hostile ones."""
    accepted = {name: set() for name in names_read_from("args")}
    for listing in (resource.listing for resource in RESOURCES):
        for name, field in fields_of(listing.arguments).items():
            accepted.setdefault(name, set()).update(str(choice.value) for choice in field.kwargs.get("choices", []))
        accepted["sort"].update(prefix + sort for sort in listing.sorts for prefix in ("", "-"))
    values = {name: st.sampled_from(sorted(good)) | HOSTILE_IN_URLS if good else HOSTILE_IN_URLS for name, good in accepted.items()}
    values["cursor"] = CURSORS | HOSTILE_IN_URLS
    return {name: ([], strategy) for name, strategy in values.items()}


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_every_page_answers_below_500_whatever_its_query_string(app, client, existing, data):
    endpoint = data.draw(st.sampled_from(pages(app)), label="endpoint")
    query = encoded(data.draw(fields(query_values(), HOSTILE_IN_URLS), label="query"), data.draw(st.lists(RAW, max_size=2)))
    response = client.get(f"{url(app, endpoint, data.draw, existing)}?{query}")
    event(f"{endpoint}: {response.status_code}")
    assert response.status_code < 500
