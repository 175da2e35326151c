"""What the database is and what it can do, as named capabilities: the one place that asks which backend it is."""

from dataclasses import dataclass

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import URL, make_url

from models import db


@dataclass(frozen=True)
class Backend:
    """One of the databases Roster runs on, and what the code that differs between them needs to know."""

    name: str  # "sqlite", "postgresql" or "mariadb" (MySQL dialects are "mariadb": Roster runs on MariaDB)
    # SQLite: LIKE '%term%' cannot use an index there, so each listed table has an FTS5 trigram table, queried with
    # MATCH, that lists the ids whose search_text contains a term of three characters or more.
    trigram_table: bool
    # PostgreSQL: a pg_trgm GIN index on search_text serves LIKE '%term%' itself, so search needs no query of its own.
    substring_index: bool
    # CREATE and DROP INDEX inside a transaction commit nothing until it does, so seeding can drop the indexes and
    # build them again at the end, all or nothing. MariaDB commits at each DDL statement.
    transactional_ddl: bool
    # The driver's placeholder, for statements handed straight to it (the seed): "?" for sqlite3, "%s" for psycopg
    # and PyMySQL.
    param_marker: str
    # PostgreSQL and MariaDB are servers: a pooled connection may have been dropped (a restart, an idle timeout) and a
    # connect to a server that is down may hang. SQLite is a file: connects do not hang, writers wait for its lock.
    server: bool
    # SQLite: WAL, foreign keys and the page cache are settings of each connection, made by PRAGMA statements.
    pragmas: bool


BACKENDS = {
    "sqlite": Backend("sqlite", trigram_table=True, substring_index=False, transactional_ddl=True, param_marker="?",
                      server=False, pragmas=True),
    "postgresql": Backend("postgresql", trigram_table=False, substring_index=True, transactional_ddl=True,
                          param_marker="%s", server=True, pragmas=False),
    "mariadb": Backend("mariadb", trigram_table=False, substring_index=False, transactional_ddl=False,
                       param_marker="%s", server=True, pragmas=False),
}


def backend(bind: Connection | Engine | URL | str | None = None) -> Backend:
    """The backend of `bind`, a connection, an engine or a database URL; of db.engine when none is given."""
    if bind is None:
        bind = db.engine
    url = make_url(bind) if isinstance(bind, (URL, str)) else bind.engine.url
    name = "mariadb" if url.get_backend_name() == "mysql" else url.get_backend_name()
    if name not in BACKENDS:
        raise ValueError(f"Roster runs on SQLite, PostgreSQL or MariaDB, not {name} ({url.drivername})")
    return BACKENDS[name]
