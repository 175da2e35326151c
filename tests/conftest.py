"""Fixtures, and the databases every test runs on (see backends.py and README, "Tests")."""

import os
from collections import Counter, defaultdict

import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url

from app import create_app
from backends import Backend, backend_name, local_server_backends, unreachable
from helpers import PASSWORD, signed_in
from models import Student, User, db

BACKENDS = pytest.StashKey[list]()
LEFT_OUT = pytest.StashKey[dict]()
BACKEND_OF_TEST: dict[str, str] = {}  # node id -> backend name
OUTCOMES: dict[str, Counter] = defaultdict(Counter)  # backend name -> outcome -> how many


def pytest_addoption(parser):
    group = parser.getgroup("roster", "Roster's databases (SQLite always runs)")
    group.addoption(
        "--database-url",
        action="append",
        default=[],
        metavar="URL",
        help="Run every test on this PostgreSQL or MariaDB database too; each test empties it first. "
        "TEST_DATABASE_URL (one URL, or several separated by spaces) does the same.",
    )
    group.addoption(
        "--local-servers",
        action="store_true",
        help="Run every test on the PostgreSQL and MariaDB servers running on this machine too, each in a scratch "
        "database made for the run. With ROSTER_REQUIRE_BACKENDS=1, a server that does not answer is an error.",
    )


def pytest_configure(config):
    backends = [Backend("sqlite")]
    for url in config.getoption("database_url") + os.environ.get("TEST_DATABASE_URL", "").split():
        name = backend_name(make_url(url))
        if name not in ("postgresql", "mariadb"):
            raise pytest.UsageError(f"{url}: give a PostgreSQL or MariaDB URL; SQLite always runs.")
        if problem := unreachable(make_url(url)):
            raise pytest.UsageError(f"The test database {url} does not answer: {problem}")
        backends.append(Backend(name, url))
    left_out = {}
    required = os.environ.get("ROSTER_REQUIRE_BACKENDS") == "1"
    if config.getoption("local_servers") or required:
        found, left_out = local_server_backends(str(config.rootpath))
        backends += found
        if required and left_out:
            for backend in backends:
                backend.close()
            reasons = "; ".join(f"{name} is {reason}" for name, reason in left_out.items())
            raise pytest.UsageError(f"ROSTER_REQUIRE_BACKENDS=1 but {reasons}")
    config.stash[BACKENDS] = backends
    config.stash[LEFT_OUT] = left_out
    config.addinivalue_line("markers", "backends(*names): run this test only on these of the backends in use")


def pytest_unconfigure(config):
    for backend in config.stash.get(BACKENDS, []):
        backend.close()


def pytest_generate_tests(metafunc):
    """Every test that uses a database runs once on each backend: test_x[sqlite], test_x[postgresql]..."""
    if "backend" in metafunc.fixturenames:
        backends = metafunc.config.stash[BACKENDS]
        if only := metafunc.definition.get_closest_marker("backends"):
            backends = [backend for backend in backends if backend.name in only.args]
        metafunc.parametrize("backend", backends, ids=[backend.name for backend in backends])


def pytest_report_header(config):
    lines = [f"database: {describe(backend)}" for backend in config.stash[BACKENDS]]
    return lines + [f"database: {name} left out, {reason}" for name, reason in config.stash[LEFT_OUT].items()]


def pytest_collection_modifyitems(items):
    for item in items:
        if backend := getattr(item, "callspec", None) and item.callspec.params.get("backend"):
            BACKEND_OF_TEST[item.nodeid] = backend.name


def pytest_runtest_logreport(report):
    if report.nodeid in BACKEND_OF_TEST and (report.when == "call" or report.outcome != "passed"):
        OUTCOMES[BACKEND_OF_TEST[report.nodeid]][report.outcome] += 1


def pytest_terminal_summary(terminalreporter, config):
    terminalreporter.section("databases")
    for backend in config.stash[BACKENDS]:
        counts = ", ".join(f"{n} {outcome}" for outcome, n in sorted(OUTCOMES[backend.name].items()))
        terminalreporter.line(f"{describe(backend)}: {counts or 'no tests'}")
    for name, reason in config.stash[LEFT_OUT].items():
        terminalreporter.line(f"{name}: not tested, {reason}")


def describe(backend) -> str:
    if backend.url is None:
        return "sqlite (a new file for each test)"
    return f"{backend.name} ({make_url(backend.url).render_as_string(hide_password=True)})"


@pytest.fixture
def database_url(backend, tmp_path):
    """An empty database for this test on the backend it runs on."""
    if backend.url is None:
        return f"sqlite:///{tmp_path / 'roster.db'}"
    backend.empty()
    return backend.url


@pytest.fixture
def make_app(database_url):
    """Builds apps on this test's database, as tests configure them: make_app(WTF_CSRF_ENABLED=True)."""
    apps = []

    def make_app(**config):
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "WTF_CSRF_ENABLED": False,
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; the real default is scrypt
                "RECORDS_GUARD": True,
                **config,
            }
        )
        apps.append(app)
        return app

    yield make_app
    for app in apps:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def empty_app(make_app):
    """Every table, and no one in them: /setup makes the first admin."""
    app = make_app()
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(make_app):
    """The app on an empty database with every table, and one admin (root@example.org) to sign in as."""
    app = make_app()
    with app.app_context():
        db.create_all()
        admin = User(name="Root Admin", email="root@example.org", role="admin")
        admin.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
        db.session.add(admin)
        db.session.commit()
    return app


@pytest.fixture
def client(app):
    """Signed in as an admin."""
    return signed_in(app, "root@example.org")


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client_as(app, add):
    """A client signed in as a new user with this role: client_as("viewer")."""

    def client_as(role):
        with app.app_context():
            user = User(name=f"A {role}", email=f"{role}@example.org", role=role)
            user.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            db.session.commit()
        return signed_in(app, f"{role}@example.org")

    return client_as


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def add(app):
    """Adds rows, committed, and returns their ids: add(User, name="Ana", email="ana@example.org"),
    or in one transaction: add.many(User, [{...}, {...}])."""

    def add(model, **values):
        return add_many(model, [values])[0]

    def add_many(model, rows):
        defaults = {Student: {"grade": 5}}.get(model, {})
        with app.app_context():
            records = [model(**{**defaults, **values}) for values in rows]
            db.session.add_all(records)
            db.session.commit()
            return [getattr(record, "id", None) for record in records]

    add.many = add_many
    return add


@pytest.fixture
def people(add):
    """A few users and students with accents, other scripts and ties in sortable columns."""
    users = [
        add(User, name="Zoë Adams", email="zoe@example.org", age=34),
        add(User, name="Иван Петров", email="ivan@example.org", age=51),
        add(User, name="María José", email="maria@example.org", age=None),
        add(User, name="Omar 50%_off", email="omar@example.org", age=29),
    ]
    students = [
        add(Student, name="Ana Álvarez", email="ana@school.example", grade=3),
        add(Student, name="Bea Brown", email="bea@school.example", grade=3),
        add(Student, name="王小明", email="wang@school.example", grade=7),
    ]
    return users, students


@pytest.fixture
def count_statements(app):
    """A list that collects every SQL statement run while it is in use, but for transaction control: SQLite's
    BEGIN is a statement of ours (database/__init__.py), the servers' drivers begin without one."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.split(None, 1)[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield statements
    event.remove(engine, "before_cursor_execute", record)
