"""A PostgreSQL server of one test's own, made with the installed server's binaries, that the test may restart and
kill without touching the shared server the rest of the suite uses."""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from glob import glob
from pathlib import Path

import pytest

from served import children

SECONDS = 20  # for each start or stop of the server


def binaries() -> Path | None:
    """The newest installed server's bin/ (Debian's layout: /usr/lib/postgresql/<version>/bin), if any."""
    found = [Path(path) for path in glob("/usr/lib/postgresql/*/bin") if Path(path, "initdb").exists()]
    return max(found, key=lambda path: int(path.parent.name), default=None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Cluster:
    """One server on its own port of 127.0.0.1, trusting local connections as user postgres."""

    def __init__(self, bin: Path, folder: Path):
        self.bin, self.folder, self.port = bin, folder, free_port()
        self.data, self.log = folder / "data", folder / "server.log"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program, *arguments):
        # initdb refuses to run as root, and a server's files must belong to whoever runs it.
        as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        command = [*as_postgres, str(self.bin / program), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, timeout=SECONDS + 10)
        if done.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}\n{self.server_log()}")

    def server_log(self) -> str:
        return self.log.read_text() if self.log.exists() else ""

    def create(self):
        # --no-sync: only initdb's own files skip fsync; the server keeps its defaults, as committed as in production.
        self.run("initdb", "--pgdata", str(self.data), "--username", "postgres", "--auth", "trust",
                 "--no-sync", "--no-instructions", "--encoding", "UTF8", "--locale", "C.UTF-8")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
                       f"unix_socket_directories = '{self.folder}'\nmax_connections = 50\n")

    def pg_ctl(self, action, *options):
        self.run("pg_ctl", action, "--pgdata", str(self.data), "--log", str(self.log), "--wait",
                 "--timeout", str(SECONDS), *options)

    def start(self):
        self.pg_ctl("start")

    def restart_fast(self):
        """As an administrator restarts it: connections are ended, their transactions rolled back."""
        self.pg_ctl("restart", "--mode", "fast")

    def kill(self):
        """As a crash: the postmaster is killed, and its processes end when they see it gone."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        processes = {postmaster} | children(postmaster)
        os.kill(postmaster, signal.SIGKILL)
        deadline = time.monotonic() + SECONDS
        # Until the last has gone (a zombie too: it still answers kill(pid, 0)), a new server refuses to start: the
        # old one's shared memory or its pid in postmaster.pid is still in use.
        while any(Path(f"/proc/{pid}").exists() for pid in processes):
            assert time.monotonic() < deadline, f"the killed server's processes did not end: {processes}"
            time.sleep(0.05)

    def stop(self):
        if (self.data / "postmaster.pid").exists():
            self.pg_ctl("stop", "--mode", "immediate")


@contextmanager
def cluster(bin: Path):
    """A new, running server in a temporary folder, stopped and deleted at the end."""
    folder = Path(tempfile.mkdtemp(prefix="roster-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    server = Cluster(bin, folder)
    try:
        server.create()
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def own_server():
    """A new server for the calling test alone; the test skips when PostgreSQL's server binaries are missing, and
    fails then under ROSTER_REQUIRE_BACKENDS=1."""
    if (bin := binaries()) is None:
        if os.environ.get("ROSTER_REQUIRE_BACKENDS") == "1":
            pytest.fail("ROSTER_REQUIRE_BACKENDS=1 but PostgreSQL's server binaries are not installed")
        pytest.skip("PostgreSQL's server binaries are not installed (/usr/lib/postgresql/*/bin)")
    with cluster(bin) as server:
        yield server


class OnAServerOfItsOwn:
    """Tests of a class deriving from this run on a server of their own (own_server), whose database_url is that
    server's: they run once, not on each backend, and may restart and kill it while the shared servers stay up."""

    @pytest.fixture
    def own_server(self):
        with own_server() as server:
            yield server

    @pytest.fixture
    def database_url(self, own_server):
        return own_server.url
