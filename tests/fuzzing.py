"""What tests/test_fuzz.py fuzzes, read from the app itself, and the hostile values it fuzzes with.

The POST and GET routes come from the URL map; each POST view's form is the form class (or the resource's `form`)
the view names; the list arguments and filters from the resources' listings; and the names the code reads
straight from request.args or request.form from its source. So a new form, field, filter or argument is fuzzed
without a change here.
"""

import inspect
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote_from_bytes

from flask_wtf import FlaskForm
from hypothesis import strategies as st
from wtforms import BooleanField, DateField, DecimalField, EmailField, IntegerField, PasswordField, SelectField
from wtforms.fields.core import UnboundField
from wtforms.validators import NumberRange

import resources
from helpers import PASSWORD
from listing.keyset import DECODERS
from models import ID_MAX, db
from validators import PickMany, PickOne

ROOT = Path(__file__).parent.parent
RESOURCES = [value for value in vars(resources).values() if isinstance(value, resources.Resource)]
@cache
def names_read_from(kind: str) -> frozenset[str]:
    """The names the app's code reads directly from request.args or request.form (not through a form)."""
    pattern = re.compile(rf'request\.{kind}\.get\(\s*"([^"]+)"')
    sources = [path for path in [*ROOT.glob("*.py"), *ROOT.glob("*/*.py")] if path.parts[-2] not in ("tests", "bench")]
    return frozenset(name for path in sources for name in pattern.findall(path.read_text()))


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


def query_readers(app) -> list[str]:
    """The pages whose view reads its query string: itself, or by showing a list."""
    source = lambda endpoint: inspect.getsource(inspect.unwrap(app.view_functions[endpoint]))
    return [endpoint for endpoint in pages(app) if re.search(r"request\.args|list_page", source(endpoint))]


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
EDGE_NUMBERS = ["-1", "0", "-0", "1", str(ID_MAX), str(ID_MAX + 1), str(2**63), str(-(2**63) - 1), "1e309", "-1e309",
                "NaN", "-NaN", "Infinity", "sNaN", "-sNaN", "NaN12", "1e-400", "1e999999999", "0E-1000", "0.005",
                "4.001", "1.5", " 7 ", "+3", "0x10", "1_0", "٣", "１２", "9" * 5000, "1" + "0" * 30]
EDGE_DATES = ["2024-02-30", "2023-02-29", "0000-01-01", "0001-01-01", "99999-01-01", "1899-12-31", "2101-01-01",
              "9999-12-31", "2024-13-01", "2024-00-10", "-2024-01-01", "2024-1-1", "2024-01-01T00:00", "20240101"]
EDGE_TEXT = ["", " ", "\x00", "a\x00b", "\r\n", "\x1b[31m", "\u202e", "\ufeff", "\ud800", b"\xff", b"\xe2\x82", "%E2%82",
             "'; DROP TABLE users; --", "%_\\", "x" * 4301]
NUMBERS = st.sampled_from(EDGE_NUMBERS) | st.integers().map(str) | st.floats().map(str) | st.decimals().map(str)
DATES = st.sampled_from(EDGE_DATES) | st.dates().map(str) | st.builds(
    "{}-{:02}-{:02}".format, st.integers(-1, 100_000), st.integers(0, 13), st.integers(0, 32))
HOSTILE = st.one_of(TEXT, CONTROL, HUGE, INVALID_UTF8, NUMBERS, DATES)
HOSTILE_IN_URLS = st.one_of(TEXT, CONTROL, LONG, INVALID_UTF8, NUMBERS, DATES)
NAME = st.text(st.sampled_from("abcdefghij"), min_size=4, max_size=8)  # for plausible values that pass the checks
RAW = st.sampled_from(["%", "%zz", "%FF=%FE", "&", "=", "==", ";", "%00=%00", "%E2%82=x", "a=%E2%82", "+"])
TOO_BIG = "padding=" + "x" * 1024 * 1024  # past MAX_CONTENT_LENGTH: the post is refused whole (413)
CURSORS = st.builds("{}.{}.{}{}".format, st.sampled_from("123") | NUMBERS, st.just("1") | NUMBERS,
                    st.sampled_from([*DECODERS, "-", "x"]), NUMBERS | DATES | TEXT)  # page.id.<tag><sort value>
PATH_IDS = [0, ID_MAX, ID_MAX + 1, 2**63]  # no row, or past any row id (the route matches nothing)


def plausible(field: UnboundField, name: str) -> list[str]:
    """Values a person could post in the field and have it accepted, so that fuzzing reaches the checks that come
    after the field's own (uniqueness, the save, the account's password): read from the field's type and range."""
    kind, kwargs = field.field_class, field.kwargs
    if issubclass(kind, (PickOne, PickMany)):
        return []
    if issubclass(kind, BooleanField):
        return ["y"]
    if issubclass(kind, SelectField):
        default = kwargs.get("default")
        if default is None and not kwargs.get("choices"):
            return []  # choices set as the form is made (a list's columns)
        return [str(default if default is not None else kwargs["choices"][0].value)]
    if issubclass(kind, PasswordField):
        return [PASSWORD, "not the password"]  # the accounts' (tests/helpers.py), or a wrong one
    if issubclass(kind, EmailField):
        return [f"{name}@example.org", "root@example.org"]  # a new one, or the admin's (tests/conftest.py)
    if issubclass(kind, DateField):
        return ["2024-01-01"]
    if issubclass(kind, (IntegerField, DecimalField)):
        ranges = [v for v in kwargs.get("validators") or [] if isinstance(v, NumberRange) and v.min is not None]
        return [str(ranges[0].min if ranges else 1)]
    return [name.upper()]  # a code (capitals, like MATH-101), a name, a title


def kind_of(field: UnboundField) -> str:
    if issubclass(field.field_class, (IntegerField, DecimalField, PickMany)):
        return "number"
    return "date" if issubclass(field.field_class, DateField) else "text"


def typed(field: UnboundField) -> st.SearchStrategy:
    """The hostile values a field of its type is likeliest to mishandle: numbers for a number, dates for a date."""
    return {"number": NUMBERS, "date": DATES, "text": TEXT}[kind_of(field)]


@st.composite
def fields(draw, known: dict[str, tuple[list[str], st.SearchStrategy]], hostile) -> list[tuple[str, str | bytes]]:
    """(name, value) pairs: a few of the known names spoiled (left out, given once or again and again, with values
    from their strategy), the others given one of their plausible values (if any); then unknown names, in any order."""
    spoiled = draw(st.sets(st.sampled_from(sorted(known))), label="spoiled")
    pairs = []
    for name, (good, values) in known.items():
        given = draw(st.lists(values, max_size=3)) if name in spoiled else [draw(st.sampled_from(good))] if good else []
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
        good, hostile = plausible(field, name), typed(field) | HOSTILE
        values[field_name] = (good, st.sampled_from(good) | hostile if good else hostile)
        if issubclass(field.field_class, (PickOne, PickMany)):
            values[f"{field_name}_q"] = ([], HOSTILE)  # the picker's search box (views/pickers.py)
            values[f"{field_name}_searched"] = ([], HOSTILE)  # the term it last searched for
    for read in names_read_from("form"):
        values.setdefault(read, ([], st.sampled_from(["find", "add-another"]) | HOSTILE))
    return values


def body(data, values) -> str:
    """A form's urlencoded body, drawn: its fields, unknown ones, and broken or oversized pieces."""
    pairs = data.draw(fields(values, HOSTILE), label="fields")
    return encoded(pairs, data.draw(st.lists(RAW | st.just(TOO_BIG), max_size=2), label="raw"))


def rows(app) -> dict[str, list[str]]:
    """Every row of every table: small in these tests, and what a refused post must leave as it was. But the log of
    sign-in attempts, which a refused sign-in is meant to write to."""
    with app.app_context():
        tables = [table for table in db.metadata.sorted_tables if table.name != "sign_ins"]
        return {table.name: sorted(map(repr, db.session.execute(table.select()))) for table in tables}


def url(app, endpoint: str, existing: dict[str, int], draw=None) -> str:
    """The route's URL with, for each argument, an existing row's id (of the route's resource), or with `draw`,
    mostly that and sometimes an id no row has."""
    rule = next(app.url_map.iter_rules(endpoint))

    def id_for(arg):
        row = existing[f"{endpoint.split('.')[0]}.{arg}"]
        return draw(st.sampled_from([row] * 3 + PATH_IDS)) if draw else row

    return rule.build({arg: id_for(arg) for arg in rule.arguments})[1]


@cache
def query_values() -> dict[str, st.SearchStrategy]:
    """Every argument a page reads, with the values it accepts (sorts, choices) besides the hostile ones."""
    accepted = {name: set() for name in names_read_from("args")}
    for listing in (resource.listing for resource in RESOURCES):
        for name, field in fields_of(listing.arguments).items():
            accepted.setdefault(name, set()).update(str(choice.value) for choice in field.kwargs.get("choices", []))
        accepted["sort"].update(prefix + sort for sort in listing.sorts for prefix in ("", "-"))
    values = {name: st.sampled_from(sorted(good)) | HOSTILE_IN_URLS if good else HOSTILE_IN_URLS
              for name, good in accepted.items()}
    values["cursor"] = CURSORS | HOSTILE_IN_URLS
    return {name: ([], strategy) for name, strategy in values.items()}
