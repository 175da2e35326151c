"""What the browser tests and the screenshot script share: the browser, and a real server to point it at."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")  # Debian's package; a browser downloaded by `playwright install` is never used
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The account the browser tests and the screenshots sign in with; the server makes it at start.
ADMIN_EMAIL, ADMIN_PASSWORD = "e2e-admin@example.org", "browser tests passphrase"
INSTALL_CHROMIUM = f"No Chromium at {CHROMIUM}: install it with `apt-get install -y chromium` to run the browser tests"


@dataclass(frozen=True)
class Server:
    url: str
    database_url: str
    log: Path  # what the server printed: a line per request, and any traceback
    process: subprocess.Popen


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)


def flask_command(*args) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "app", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_server(workdir: Path, seed: tuple[str, ...] = ()):
    """Serves the app from its own process on a free port, with a new SQLite database in `workdir`.

    `seed` are arguments for `flask seed`, to start with fake people.
    """
    database_url = f"sqlite:///{workdir / 'roster.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "browser-tests", "FLASK_DEBUG": "0", "PYTHONUNBUFFERED": "1"}
    subprocess.run(flask_command("init-db"), cwd=ROOT, env=env, check=True, capture_output=True)
    admin = ("--name", "Test Admin", "--email", ADMIN_EMAIL, "--password", ADMIN_PASSWORD)
    subprocess.run(flask_command("create-admin", *admin), cwd=ROOT, env=env, check=True, capture_output=True)
    if seed:
        subprocess.run(flask_command("seed", *seed), cwd=ROOT, env=env, check=True, capture_output=True)
    url = f"http://127.0.0.1:{free_port()}"
    log_path = workdir / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            flask_command("run", "--host", "127.0.0.1", "--port", url.rsplit(":", 1)[1]),
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answers(url, server, log_path)
            yield Server(url, database_url, log_path, server)
        finally:
            server.terminate()
            server.wait(timeout=10)


def wait_until_answers(url: str, server: subprocess.Popen, log_path: Path, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The server stopped with code {server.returncode}:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    raise RuntimeError(f"The server did not answer at {url} within {timeout} s:\n{log_path.read_text()}")


def sign_in(page, email=ADMIN_EMAIL, password=ADMIN_PASSWORD):
    """Signs in through the sign-in page, as a person would."""
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
