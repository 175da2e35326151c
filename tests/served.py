"""The app served as in production, for tests that talk to it over HTTP: gunicorn's workers, and a person's browser."""

import http.client
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from helpers import PASSWORD

ROOT = Path(__file__).parent.parent
WORKERS = 4


@dataclass
class Served:
    address: tuple[str, int]
    master: subprocess.Popen

    def worker_pids(self) -> set[int]:
        """The workers gunicorn's master has now."""
        return children(self.master.pid)


def children(pid: int) -> set[int]:
    """The processes `pid` has started and not yet collected, as Linux lists them."""
    pids = set()
    for listed in Path(f"/proc/{pid}/task").glob("*/children"):
        pids.update(int(child) for child in listed.read_text().split())
    return pids


@contextmanager
def serving(database_url: str, log: Path, workers=WORKERS, **config):
    """gunicorn serving the app on this database, on a free port of 127.0.0.1; stopped at the end."""
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "served", **config}
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--workers", str(workers),
               "--bind", "127.0.0.1:0", "--no-control-socket", "--error-logfile", str(log),
               f"app:create_app({config!r})"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield Served(wait_for_address(log, process, workers), process)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wait_for_address(log: Path, process, workers, seconds=30) -> tuple[str, int]:
    """gunicorn chose a free port (port 0): read it from its log, then wait until every worker answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text() if log.exists() else ""
        if (listening := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)) and text.count(
            "Booting worker"
        ) >= workers:
            return "127.0.0.1", int(listening.group(1))
        time.sleep(0.1)
    raise AssertionError(f"gunicorn did not start:\n{log.read_text() if log.exists() else ''}")


class Browser:
    """One person's browser: keeps the session cookie and sends each form back with its CSRF token."""

    def __init__(self, address, timeout=30):
        self.connection = http.client.HTTPConnection(*address, timeout=timeout)
        self.cookies = {}  # name -> value: the session, and the device cookie a sign-in leaves

    def request(self, method, path, form=None) -> tuple[int, str | None, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)  # a list is a field's several values, as a <select multiple> sends
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            html = response.read().decode()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # a connection cut half way cannot be used again; the next request opens one
            raise
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, response.getheader("Location"), html

    def sign_in(self):
        """As the test app's admin: successful sign-ins are not rate limited, so everyone can share it."""
        status, location, html = self.submit("/sign-in", {"email": "root@example.org", "password": PASSWORD})
        assert (status, location) == (302, "/"), html

    def submit(self, path, fields) -> tuple[int, str | None, str]:
        status, _, html = self.request("GET", path)
        assert status == 200, html
        return self.request("POST", path, {**fields, "csrf_token": csrf_token(html)})


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
