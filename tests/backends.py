"""The databases the suite runs on: SQLite always; PostgreSQL and MariaDB when given or found running here."""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

# The servers `make test` looks for, as the machine's own services run them.
LOCAL_SERVERS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432",
    "mariadb": "mysql+pymysql://root@127.0.0.1:3306",
}
# A server that is not there is reported in seconds, not when the operating system gives up.
CONNECT_ARGS = {"connect_timeout": 3}
# A test that leaves a transaction open must fail the next test's setup, not hang it.
LOCK_TIMEOUT_SECONDS = 10


def backend_name(url: URL) -> str:
    return {"mysql": "mariadb"}.get(url.get_backend_name(), url.get_backend_name())


def unreachable(url: URL) -> str | None:
    """Why the server at `url` does not answer, or None when it does."""
    engine = create_engine(url, connect_args=CONNECT_ARGS, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return str(error.orig or error).strip().splitlines()[0]
    finally:
        engine.dispose()
    return None


@dataclass
class Backend:
    """One database the whole suite runs on. Each test starts from an empty database."""

    name: str
    url: str | None = None  # None for SQLite, where each test has a file of its own
    scratch: bool = False  # made by the suite, and dropped when it ends
    _admin: Engine | None = field(default=None, repr=False)

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            url = make_url(self.url)
            self._admin = create_engine(url, connect_args=CONNECT_ARGS, isolation_level="AUTOCOMMIT")
        return self._admin

    def empty(self):
        """Drops everything in the database: tables, and on PostgreSQL also types and sequences."""
        with self.admin.connect() as connection:
            if self.name == "postgresql":
                connection.exec_driver_sql(f"SET lock_timeout = '{LOCK_TIMEOUT_SECONDS}s'")
                connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                connection.exec_driver_sql("CREATE SCHEMA public")
            else:
                connection.exec_driver_sql(f"SET SESSION lock_wait_timeout = {LOCK_TIMEOUT_SECONDS}")
                tables = connection.scalars(
                    text("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()")
                ).all()
                if tables:
                    connection.exec_driver_sql("SET SESSION foreign_key_checks = 0")
                    connection.exec_driver_sql("DROP TABLE " + ", ".join(f"`{name}`" for name in tables))
                    connection.exec_driver_sql("SET SESSION foreign_key_checks = 1")

    def drop_connections(self):
        """Ends every other connection to the database, as a server restart would."""
        with self.admin.connect() as connection:
            if self.name == "postgresql":
                connection.exec_driver_sql(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            else:
                others = connection.scalars(
                    text("SELECT id FROM information_schema.processlist "
                         "WHERE db = DATABASE() AND id <> CONNECTION_ID()")
                ).all()
                for other in others:
                    connection.exec_driver_sql(f"KILL {int(other)}")

    def close(self):
        if self._admin is not None:
            self._admin.dispose()
        if self.scratch:
            drop_database(make_url(self.url))


def scratch_name(checkout: str) -> str:
    """A database name of this checkout's own, so checkouts testing on the same server at once do not collide."""
    return "roster_test_" + hashlib.sha256(checkout.encode()).hexdigest()[:10]


def server_url(url: URL) -> URL:
    """`url` without its database: PostgreSQL's maintenance database, or none on MariaDB."""
    return url._replace(database="postgres" if url.get_backend_name() == "postgresql" else None)


def server_engine(url: URL) -> Engine:
    """An engine on the server itself, outside the database `url` names."""
    return create_engine(server_url(url), connect_args=CONNECT_ARGS, isolation_level="AUTOCOMMIT")


def create_database(url: URL):
    """Makes the database `url` names, empty. On MariaDB its default collation is the usual one, which ignores case
    and accents, so the tests show that Roster's tables bring their own (see models.py)."""
    drop_database(url)
    engine = server_engine(url)
    with engine.connect() as connection:
        if url.get_backend_name() == "postgresql":
            connection.exec_driver_sql(
                f"CREATE DATABASE \"{url.database}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
            )
        else:
            connection.exec_driver_sql(
                f"CREATE DATABASE `{url.database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
            )
    engine.dispose()


def drop_database(url: URL):
    engine = server_engine(url)
    with engine.connect() as connection:
        if url.get_backend_name() == "postgresql":
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
        else:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS `{url.database}`")
    engine.dispose()


def local_server_backends(checkout: str) -> tuple[list[Backend], dict[str, str]]:
    """A scratch database on each local server that answers, and why each other one was left out."""
    backends, missing = [], {}
    for name, server in LOCAL_SERVERS.items():
        url = make_url(server).set(database=scratch_name(checkout))
        problem = unreachable(server_url(url))
        if problem:
            missing[name] = f"not running at {url.host}:{url.port}: {problem}"
            continue
        create_database(url)
        backends.append(Backend(name, url.render_as_string(hide_password=False), scratch=True))
    return backends, missing
