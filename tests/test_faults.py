"""Faults under a write load, served as in production: gunicorn's workers killed, the database server restarted and
killed. Whatever the app acknowledged is stored afterwards, once and whole; what it did not is stored whole or not at
all. (A save is acknowledged by its redirect to the new record; a connection cut before that is not.)"""

import http.client
import os
import random
import re
import signal
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

import pg_cluster
from helpers import read
from models import Course, Enrollment, Student, db
from served import Browser, csrf_token, serving

WRITERS = 4  # threads, each one person saving new students
MAX_STEPS = 400  # each writer's, however long the faults last
REQUEST_SECONDS = 15  # longer is a hang: the app gives up on a database server after 5 s
AFTER_FAILURE_SECONDS = 0.1  # a person tries again, but not in a tight loop
WAIT_SECONDS = 20  # for the load to start, and to go on after each fault
KILL_INTERVAL_SECONDS = 0.3
MAX_KILLS = 10
CUTS_WANTED = 3  # requests cut by the kills, before the load may stop
DOWN_SECONDS = 1  # how long the killed server stays down, as until a service manager starts it again


@dataclass
class Answer:
    started: float
    ended: float
    outcome: int | str  # the status, or "cut" (the connection closed with no answer) or "timeout"
    error_page: bool  # the app's own error page, as a person sees it
    text: str  # the start of the page, to see what went wrong


class Writer(threading.Thread):
    """Signs in, then creates students, each with a name of its own, until stopped; remembers every answer."""

    def __init__(self, number, address, course_ids):
        super().__init__()
        self.number, self.address, self.course_ids = number, address, course_ids
        self.stopped = threading.Event()
        self.answers: list[Answer] = []
        self.posted = {}  # name -> the fields of every create sent, acknowledged or not
        self.acknowledged = {}  # name -> the id its redirect named
        self.failure = None

    def run(self):
        try:
            browser = Browser(self.address, timeout=REQUEST_SECONDS)
            browser.sign_in()
            for step in range(MAX_STEPS):
                if self.stopped.is_set():
                    break
                self.create(browser, step)
            browser.connection.close()
        except Exception as error:  # the test reports it; a thread's exception would only be printed
            self.failure = error

    def create(self, browser, step):
        fields = student(self.number, step, self.course_ids)
        status, _, html = self.exchange(browser, "GET", "/students/new")
        if status == 200:
            self.posted[fields["name"]] = fields
            form = {**fields, "csrf_token": csrf_token(html)}
            status, location, _ = self.exchange(browser, "POST", "/students/new", form)
            if status in (302, 303) and (saved := re.fullmatch(r"/students/(\d+)", location or "")):
                self.acknowledged[fields["name"]] = int(saved.group(1))
                return
        time.sleep(AFTER_FAILURE_SECONDS)

    def exchange(self, browser, method, path, form=None):
        started = time.monotonic()
        try:
            status, location, html = browser.request(method, path, form)
        except TimeoutError:
            status, location, html = "timeout", None, ""
        except (OSError, http.client.HTTPException):  # reset, broken pipe, closed before or half way through the answer
            status, location, html = "cut", None, ""
        self.answers.append(Answer(started, time.monotonic(), status, 'class="error-code"' in html, html[:300]))
        return status, location, html


def student(number, step, course_ids) -> dict:
    """A create form's fields: every column, and enrollments, so a save that was half done would show."""
    return {"name": f"Writer {number} student {step}", "email": f"w{number}.s{step}@faults.example",
            "grade": str(1 + step % 12), "birthday": "2012-03-04", "enrolled_on": "2024-09-01",
            "gpa": f"{(number * 37 + step) % 401 / 100:.2f}", "course_ids": [str(id) for id in course_ids]}


@pytest.fixture
def course_ids(add):
    return [add(Course, code="ART", title="Art", credits=2), add(Course, code="MATH", title="Math", credits=4)]


@contextmanager
def writing(address, course_ids):
    """WRITERS people saving at once, each of whom has saved one student already; stopped at the end."""
    writers = [Writer(number, address, course_ids) for number in range(WRITERS)]
    for writer in writers:
        writer.start()
    try:
        wait_until(writers, lambda: all(writer.acknowledged for writer in writers), "every writer saved a student")
        yield writers
    finally:
        for writer in writers:
            writer.stopped.set()
        for writer in writers:
            writer.join(timeout=REQUEST_SECONDS * 2 + 5)
    assert not any(writer.is_alive() for writer in writers)
    assert [writer.failure for writer in writers if writer.failure] == []


def wait_until(writers, condition, what, seconds=WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while not condition():
        assert [writer.failure for writer in writers if writer.failure] == []
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(0.05)


def wait_for_more_saves(writers, what):
    """Each writer saves twice more: the app works again."""
    saved = {writer: len(writer.acknowledged) for writer in writers}
    wait_until(writers, lambda: all(len(writer.acknowledged) >= saved[writer] + 2 for writer in writers), what)


def answers(writers) -> list[Answer]:
    return [answer for writer in writers for answer in writer.answers]


def assert_stored_once_and_whole(app, writers):
    posted = {name: fields for writer in writers for name, fields in writer.posted.items()}
    acknowledged = {name: id for writer in writers for name, id in writer.acknowledged.items()}
    students = read(app, Student)
    courses = defaultdict(list)
    for enrollment in read(app, Enrollment):
        courses[enrollment.student_id].append(str(enrollment.course_id))
    names = Counter(student.name for student in students)
    assert {name: names[name] for name in acknowledged} == dict.fromkeys(acknowledged, 1)  # none lost, none twice
    assert {student.name: student.id for student in students if student.name in acknowledged} == acknowledged
    stored = {student.name: stored_fields(student, courses[student.id]) for student in students}
    assert stored == {name: posted[name] for name in stored}  # what was not acknowledged is whole too, if there


def stored_fields(student, course_ids) -> dict:
    """A stored student as the create form that made it would have sent it."""
    return {"name": student.name, "email": student.email, "grade": str(student.grade),
            "birthday": student.birthday.isoformat(), "enrolled_on": student.enrolled_on.isoformat(),
            "gpa": f"{student.gpa:.2f}", "course_ids": sorted(course_ids)}


@pytest.mark.backends("postgresql", "mariadb")
def test_an_answer_stands_when_the_server_drops_the_connection_before_the_request_ends(app, client, backend):
    def read_then_lose_the_connection():
        db.session.scalar(db.select(Student.id).limit(1))  # the request's transaction, ended at its teardown
        backend.drop_connections()
        time.sleep(0.2)  # until the server has ended it
        return "made"

    app.add_url_rule("/made", "made", read_then_lose_the_connection)
    response = client.get("/made")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "made")


@pytest.fixture
def served(app, database_url, tmp_path):
    with serving(database_url, tmp_path / "gunicorn.log") as served:
        yield served


def test_acknowledged_saves_survive_workers_being_killed(app, course_ids, served):
    killed = set()
    with writing(served.address, course_ids) as writers:
        while len(killed) < MAX_KILLS and Counter(a.outcome for a in answers(writers))["cut"] < CUTS_WANTED:
            victim = random.choice(sorted(served.worker_pids() - killed))
            os.kill(victim, signal.SIGKILL)  # gunicorn's master starts another in its place
            killed.add(victim)
            time.sleep(KILL_INTERVAL_SECONDS)
        wait_for_more_saves(writers, "saves go on after the kills")

    outcomes = Counter(answer.outcome for answer in answers(writers))
    assert outcomes["cut"] > 0, f"no kill cut a request, so this showed nothing: {outcomes}"
    assert set(outcomes) <= {200, 302, "cut"}, outcomes
    assert_stored_once_and_whole(app, writers)


class TestOnADatabaseServerOfItsOwn(pg_cluster.OnAServerOfItsOwn):
    """A PostgreSQL server this test starts, restarts and kills: the servers the rest of the suite uses stay up. Its
    database_url is that server's, so it runs once, not on each backend."""

    def test_outages_answer_error_pages_then_saves_go_on_and_none_is_lost(self, app, course_ids, served, own_server):
        workers = served.worker_pids()
        outages = []  # (start, end) of each time the server was away

        @contextmanager
        def outage():
            start = time.monotonic()
            yield
            outages.append((start, time.monotonic()))

        with writing(served.address, course_ids) as writers:
            with outage():
                own_server.restart_fast()
            wait_for_more_saves(writers, "saves go on after the server restarted")
            with outage():
                own_server.kill()
                time.sleep(DOWN_SECONDS)
                own_server.start()
            wait_for_more_saves(writers, "saves go on after the server was killed and started again")

        assert served.master.poll() is None and served.worker_pids() == workers  # the app was not restarted
        failed = [answer for answer in answers(writers) if answer.outcome not in (200, 302)]
        assert failed, "no request failed, so the outages were not seen"
        assert [a for a in failed if not (isinstance(a.outcome, int) and a.outcome >= 500 and a.error_page)] == []
        assert [a for a in failed if not any(a.started < end and a.ended > start for start, end in outages)] == []
        assert_stored_once_and_whole(app, writers)
