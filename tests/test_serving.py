"""Served as in production: gunicorn with 4 workers, CSRF on, several people creating and editing at once."""

import http.client
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

import pytest

from helpers import PASSWORD, read
from models import Student

ROOT = Path(__file__).parent.parent
WORKERS = 4
PEOPLE = 6  # threads, each one person with a browser session of their own
SECONDS = 3  # how long they keep going
ENOUGH = 3  # creates each person makes at least, however slow the machine (for at most MAX_SECONDS)
MAX_SECONDS = 30
STUDENT = {"grade": "5", "enrolled_on": "2024-09-01"}


@pytest.fixture
def server(app, database_url, tmp_path):
    """gunicorn serving the app on this test's database; yields its host and port."""
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "served"}
    log = tmp_path / "gunicorn.log"
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", str(WORKERS),
               "--bind", "127.0.0.1:0", "--no-control-socket", "--error-logfile", str(log),
               f"app:create_app({config!r})"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield wait_for_address(log, process)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_address(log: Path, process, seconds=30) -> tuple[str, int]:
    """gunicorn chose a free port (port 0): read it from its log, then wait until every worker answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text() if log.exists() else ""
        if (listening := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)) and text.count(
            "Booting worker"
        ) >= WORKERS:
            return "127.0.0.1", int(listening.group(1))
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text() if log.exists() else ''}")


class Browser:
    """One person's browser: keeps the session cookie and sends each form back with its CSRF token."""

    def __init__(self, address):
        self.connection = http.client.HTTPConnection(*address, timeout=30)
        self.cookie = None

    def request(self, method, path, form=None) -> tuple[int, str | None, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        html = response.read().decode()
        if cookie := response.getheader("Set-Cookie"):
            self.cookie = cookie.split(";", 1)[0]
        return response.status, response.getheader("Location"), html

    def sign_in(self):
        """As the test app's admin: successful sign-ins are not rate limited, so everyone can share it."""
        status, location, html = self.submit("/sign-in", {"email": "root@example.org", "password": PASSWORD})
        assert (status, location) == (302, "/"), html

    def submit(self, path, fields) -> tuple[int, str | None, str]:
        status, _, html = self.request("GET", path)
        assert status == 200, html
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
        return self.request("POST", path, {**fields, "csrf_token": token})


class Person(threading.Thread):
    """Creates students, edits the ones they made and looks at the list, until time is up."""

    def __init__(self, number, address, deadline):
        super().__init__()
        self.number, self.address, self.deadline = number, address, deadline
        self.statuses = Counter()
        self.errors = []  # pages that were not what a person should see
        self.created = {}  # email -> id, for every create the server acknowledged
        self.names = {}  # id -> the name the last acknowledged save gave it

    def run(self):
        browser = Browser(self.address)
        browser.sign_in()
        step = 0
        while time.monotonic() < self.deadline or (
            len(self.created) < ENOUGH and time.monotonic() < self.deadline - SECONDS + MAX_SECONDS
        ):
            step += 1
            name, email = f"Person {self.number} student {step}", f"p{self.number}.s{step}@load.example"
            fields = {**STUDENT, "name": name, "email": email}
            status, location, _ = self.record(browser.submit("/students/new", fields), expected=302)
            if status == 302:
                student_id = int(location.rsplit("/", 1)[1])
                self.created[email], self.names[student_id] = student_id, name
            if step % 2 == 0 and self.created:
                student_id = list(self.created.values())[step % len(self.created)]
                email = next(e for e, i in self.created.items() if i == student_id)
                edited = f"Edited by {self.number} at {step}"
                fields = {**STUDENT, "name": edited, "email": email}
                status, _, _ = self.record(browser.submit(f"/students/{student_id}/edit", fields), expected=302)
                if status == 302:
                    self.names[student_id] = edited
            if step % 3 == 0:
                self.record(browser.request("GET", "/students?sort=-enrolled&per_page=50"), expected=200)
        browser.connection.close()

    def record(self, outcome, expected):
        status, _, html = outcome
        self.statuses[status] += 1
        if status != expected or "database is locked" in html:
            self.errors.append((status, html[:500]))
        return outcome


def test_people_creating_and_editing_at_once_all_succeed(app, server):
    deadline = time.monotonic() + SECONDS
    people = [Person(number, server, deadline) for number in range(PEOPLE)]
    for person in people:
        person.start()
    for person in people:
        person.join(timeout=MAX_SECONDS + 120)
    assert not any(person.is_alive() for person in people)

    assert [error for person in people for error in person.errors] == []
    statuses = sum((person.statuses for person in people), Counter())
    assert set(statuses) <= {200, 302}
    acknowledged = {email: id for person in people for email, id in person.created.items()}
    assert len(acknowledged) >= PEOPLE * ENOUGH, f"too little load to prove anything: {statuses}"
    stored = read(app, Student)
    assert Counter(student.email for student in stored) == Counter(list(acknowledged))  # each create exactly once
    names = {id: name for person in people for id, name in person.names.items()}
    assert {student.id: student.name for student in stored} == names
