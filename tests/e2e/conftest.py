"""Fixtures of the browser tests: one server and one browser per session, a new browser context per test."""

import os
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from app import create_app
from models import Course, Enrollment, Preferences, SavedView, Student, User, db

from .harness import ADMIN_EMAIL, CHROMIUM, INSTALL_CHROMIUM, ROOT, launch, running_server, sign_in

HERE = Path(__file__).parent

# CI sets this: there a missing browser is a failure, not a reason to skip.
REQUIRE_BROWSER = os.environ.get("ROSTER_REQUIRE_BROWSER") == "1"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
INSTALL_AXE = f"No axe-core at {AXE.relative_to(ROOT)}: install npm (`apt-get install -y npm`) and run `make test`, which runs `npm ci`"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_VNU = f"No Nu HTML checker at {VNU.relative_to(ROOT)}: install npm (`apt-get install -y npm`) and run `make test`, which runs `npm ci`"
INSTALL_JAVA = "No `java` to run the Nu HTML checker: install it with `apt-get install -y default-jre-headless`"
# The policy the app is meant to serve: no inline scripts or styles. Every test page gets it, so a breach shows.
CONTENT_SECURITY_POLICY = "default-src 'self'"
NOT_STATIC = re.compile(r"^(?!.*/static/)")  # the policy goes on pages; leaving files alone keeps tests fast


def unavailable(reason: str):
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (ROSTER_REQUIRE_BROWSER=1)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    if CHROMIUM.exists() or REQUIRE_BROWSER:
        return
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.skip(reason=INSTALL_CHROMIUM))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item):
    """Reports every browser test skipped for want of a browser at one place, so the summary has one line for them;
    shows the end of the server's log under a failure."""
    report = yield
    if report.skipped and not CHROMIUM.exists():
        report.longrepr = (str(HERE), None, INSTALL_CHROMIUM)
    server = getattr(item, "funcargs", {}).get("server")
    if report.failed and server:
        report.sections.append(("server log, last lines", "".join(server.log.read_text().splitlines(True)[-25:])))
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        unavailable(INSTALL_CHROMIUM)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("server")) as server:
        yield server


@pytest.fixture(scope="session")
def server_app(server):
    """The app in this process, on the server's database: for putting rows in place and reading them back."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": server.database_url, "SECRET_KEY": "browser-tests"})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(autouse=True)
def empty_database(server_app):
    """Nobody but the admin the tests sign in as, with no saved views or preferences."""
    with server_app.app_context():
        for model in (Enrollment, Course, Student, SavedView, Preferences):
            db.session.execute(db.delete(model))
        db.session.execute(db.delete(User).where(User.email != ADMIN_EMAIL))
        db.session.commit()


@pytest.fixture(scope="session")
def signed_in_state(browser, server):
    """The admin's cookies, signed in once through the sign-in page and reused by every test's browser.

    No test may sign the admin out: that would end this session for the tests after it."""
    context = browser.new_context(base_url=server.url)
    sign_in(context.new_page())
    state = context.storage_state()
    context.close()
    return state


@pytest.fixture
def add(server_app):
    """Adds rows, committed, and returns their ids: add(Student, name="Ana", email="ana@school.example", grade=3)."""

    def add(model, **values):
        with server_app.app_context():
            record = model(**values)
            db.session.add(record)
            db.session.commit()
            return record.id

    return add


@pytest.fixture
def read(server_app):
    """The rows of a model matching `where`, read straight from the database: read(User, name="Ada").
    The admin the tests sign in as is left out."""

    def read(model, **where):
        with server_app.app_context():
            rows = db.session.scalars(db.select(model).filter_by(**where)).all()
            return [row for row in rows if getattr(row, "email", None) != ADMIN_EMAIL]

    return read


@pytest.fixture
def new_page(browser, server, signed_in_state):
    """Opens a page in a new browser context, signed in as the admin unless signed_in=False;
    options as for browser.new_context (color_scheme, viewport...).

    Fails the test if a page had a script error, broke the Content Security Policy or missed one of its files.
    """
    contexts, errors = [], []

    def new_page(signed_in=True, **options):
        if server.process.poll() is not None:
            pytest.fail(f"The server has stopped (exit code {server.process.returncode}); its log is below.")
        state = signed_in_state if signed_in else None
        context = browser.new_context(base_url=server.url, storage_state=state, **options)
        context.set_default_timeout(5_000)
        context.route(NOT_STATIC, with_content_security_policy)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: errors.append(f"{page.url}: {message.text}") if reported(message) else None)
        page.on("response", lambda response: errors.append(f"{response.url}: {response.status}") if broken(response) else None)
        return page

    yield new_page
    for context in contexts:
        context.close()
    assert not errors, "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def page(new_page):
    return new_page()


def with_content_security_policy(route):
    if route.request.resource_type != "document":
        route.fallback()
        return
    response = route.fetch(max_redirects=0)
    route.fulfill(response=response, headers={**response.headers, "content-security-policy": CONTENT_SECURITY_POLICY})


def reported(message) -> bool:
    """A console message that means something is wrong (an error page's own 404 is expected, not wrong)."""
    return message.type == "error" and not message.text.startswith("Failed to load resource")


def broken(response) -> bool:
    """A file a page asked for that did not come: a stylesheet, script or icon."""
    return response.status >= 400 and response.request.resource_type != "document"


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        unavailable(INSTALL_AXE)
    return AXE.read_text()


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    """The Nu HTML checker's command, to be followed by the files it checks."""
    java = shutil.which("java")
    if not java:
        unavailable(INSTALL_JAVA)
    if not VNU.exists():
        unavailable(INSTALL_VNU)
    # A run this short is spent mostly compiling: the quick compiler alone halves it, given the deeper stack that the
    # checker's schema needs with that compiler's frames (it overflows the default 1 MB).
    return [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU), "--errors-only", "--format", "json"]


# Long names first in each list, so the pages PAGES reaches through "the first record" show them.
USERS = [
    {"name": "Adelheid Wolfeschlegelsteinhausenbergerdorff", "email": "adelheid@example.org", "age": 47},
    {"name": "Zoë Adams", "email": "zoe@example.org", "age": 34},
    {"name": "Иван Петров", "email": "ivan@example.org", "age": 51},
    {"name": "María José", "email": "maria@example.org"},
]
STUDENT_NAMES = ["Aurelia Featherstonehaugh-Cholmondeley-Marjoribanks", "Ana Álvarez", "王小明", "Bea Brown"] + [
    f"Person {n:02}" for n in range(26)
]


@pytest.fixture
def people(server_app):
    """Enough students for two pages, a few users and courses, with accents and other scripts: what PAGES needs."""
    with server_app.app_context():
        users = [User(**values) for values in USERS]
        students = [
            Student(name=name, email=f"{number}@school.example" if number else "aurelia.featherstonehaugh.0@students.example.edu",
                    grade=number % 12 + 1, gpa=Decimal(number).scaleb(-1),
                    advisor=users[number % 2])
            for number, name in enumerate(STUDENT_NAMES)
        ]
        courses = [Course(code="MATH-101", title="Algebra and the Art of Long Course Titles", credits=3, teacher=users[0]),
                   Course(code="ART-1", title="Drawing", credits=2)]
        db.session.add_all(users + students + courses)
        db.session.flush()
        db.session.add_all(Enrollment(student=student, course=courses[0]) for student in students[:12])
        db.session.commit()
