"""What the database is and what it can do, as named capabilities: the one place that asks which backend it is."""

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import Boolean, ColumnElement, Connection, Engine, func
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, SQLAlchemyError, TimeoutError as PoolTimeoutError

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
    # The servers' answer to "would a write fail?" without writing: a replica, or a server or database set read-only.
    # None on SQLite: whether a file takes writes is the file system's answer (database.writable).
    read_only_query: str | None
    # The errors (error_code's) of a write refused as read-only: the connection may stay so after the database is
    # writable again (SQLite opened the file read-only; the server gave the session its read-only default), so the
    # pool discards it (database.discard_connections_that_cannot_write).
    read_only_errors: frozenset[int | str]
    # The SQL functions that build a JSON object and array, for history written by INSERT … SELECT.
    json_functions: tuple[str, str]
    # The aggregates that build a JSON array and object of a group's values, for the history of many rows at once.
    json_aggregates: tuple[str, str]
    # SQLite plans without statistics of a column's values: told that a condition holds for most rows (likely(X)),
    # it walks the sort order's index instead of finding every row through the condition's index to sort them all.
    likely_function: str | None = None
    # PostgreSQL: COPY … FROM STDIN takes many rows from the client as a stream, far cheaper than binding them as
    # the parameters of INSERTs (database.inserting).
    copy_from: bool = False
    # What each connection is opened with, beside the URL's own (which come first). PostgreSQL: no JIT compiling. The
    # statement triggers' queries over transition tables are estimated at millions of rows, so PostgreSQL compiled
    # each one, 0.6 s per trigger, to do 1 ms of work: an Undo of 62,000 rows, 500 rows a statement, ran minutes.
    # Both servers: a row another transaction holds is waited for 15 s, as SQLite waits for its lock
    # (database.SQLITE_BUSY_TIMEOUT_SECONDS), then the request answers 503; PostgreSQL would wait forever and MariaDB
    # 50 s, a person's page hanging until gunicorn killed its worker.
    connect_args: tuple[tuple[str, str], ...] = ()
    # How a list of ids (a search's matches, listed by its count) is bound as one parameter: a PostgreSQL array
    # ("array"), or the JSON text itself, read by SQLite's json_each ("json_each"). None: a parameter per id, in an IN.
    id_list_parameter: str | None = None
    # Text compares by code point (SQLite's BINARY collation), so the names that start with a prefix are exactly a
    # range of the name's index; elsewhere a collation may order a few others inside it, to be checked with LIKE.
    code_point_order: bool = False
    # A LIMIT may be a subquery's result (not MariaDB's, which takes a number): a sort's later index range is then
    # read only when the ranges before it do not fill the page (listing.keyset).
    limit_by_subquery: bool = True
    # SQLite: a request that may write takes the write lock at its BEGIN (database.begin_sqlite_transaction) and keeps
    # it to its commit, so nobody saves between what it checked and what it writes. The servers lock a row only when a
    # statement reaches it: a change checked first must look again after its statements (views.bulk).
    writers_take_turns: bool = False


# sqlite3's primary result code for a read-only file (https://sqlite.org/rescode.html). A full disk (SQLITE_FULL)
# or a refused write to the WAL (SQLITE_IOERR) leaves the connection able to write once the disk allows it.
SQLITE_READONLY = 8
# PostgreSQL's SQLSTATE read_only_sql_transaction: a replica, or default_transaction_read_only.
POSTGRESQL_READ_ONLY = "25006"
# MariaDB: ER_OPTION_PREVENTS_STATEMENT (read_only), ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION.
MARIADB_READ_ONLY, MARIADB_READ_ONLY_TRANSACTION = 1290, 1792
# sqlite3's primary result codes of a database that cannot take the work now, rather than of a wrong statement:
# SQLITE_BUSY and SQLITE_LOCKED (another writer held on past the busy timeout), SQLITE_READONLY, SQLITE_IOERR,
# SQLITE_FULL, SQLITE_CANTOPEN.
SQLITE_UNAVAILABLE = frozenset({5, 6, SQLITE_READONLY, 10, 13, 14})

BACKENDS = {
    "sqlite": Backend("sqlite", trigram_table=True, substring_index=False, transactional_ddl=True, param_marker="?",
                      server=False, pragmas=True, read_only_query=None,
                      read_only_errors=frozenset({SQLITE_READONLY}), json_functions=("json_object", "json_array"),
                      json_aggregates=("json_group_array", "json_group_object"), likely_function="likely",
                      id_list_parameter="json_each", code_point_order=True, writers_take_turns=True),
    "postgresql": Backend("postgresql", trigram_table=False, substring_index=True, transactional_ddl=True,
                          param_marker="%s", server=True, pragmas=False,
                          read_only_query="SELECT pg_is_in_recovery() "
                                          "OR current_setting('transaction_read_only')::bool",
                          read_only_errors=frozenset({POSTGRESQL_READ_ONLY}),
                          json_functions=("json_build_object", "json_build_array"),
                          json_aggregates=("json_agg", "json_object_agg"), copy_from=True,
                          connect_args=(("options", "-c jit=off -c lock_timeout=15s"),), id_list_parameter="array"),
    # read_only spares users with READ ONLY ADMIN (root), but a server set read-only is a replica or on its way out:
    # Roster must not write there even when it could.
    "mariadb": Backend("mariadb", trigram_table=False, substring_index=False, transactional_ddl=False,
                       param_marker="%s", server=True, pragmas=False,
                       read_only_query="SELECT @@global.read_only OR @@global.innodb_read_only "
                                       "OR @@session.tx_read_only",
                       read_only_errors=frozenset({MARIADB_READ_ONLY, MARIADB_READ_ONLY_TRANSACTION}),
                       json_functions=("JSON_OBJECT", "JSON_ARRAY"),
                       json_aggregates=("JSON_ARRAYAGG", "JSON_OBJECTAGG"), limit_by_subquery=False,
                       connect_args=(("init_command", "SET SESSION innodb_lock_wait_timeout = 15"),)),
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


def likely(condition: ColumnElement) -> ColumnElement:
    """`condition`, with SQLite's planner told that most rows meet it (likely_function); as it is elsewhere. The same
    object for the same condition, so that what is made of it is kept (listing.search.matches)."""
    return likely_on(condition, backend())


@lru_cache(maxsize=256)
def likely_on(condition: ColumnElement, on: Backend) -> ColumnElement:
    return getattr(func, on.likely_function)(condition, type_=Boolean) if on.likely_function else condition


def error_code(error: BaseException) -> int | str | None:
    """The driver's code for a database error: sqlite3's primary result code, MariaDB's error number (PyMySQL, whose
    errors carry a SQLSTATE too, often the vague HY000), PostgreSQL's SQLSTATE (psycopg); None when it has none."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        return None if code is None else code & 0xFF  # an extended code (SQLITE_IOERR_WRITE) in its primary's group
    if error.args and isinstance(error.args[0], int):
        return error.args[0]
    return getattr(error, "sqlstate", None)


def unavailable(error: SQLAlchemyError) -> bool:
    """Whether `error` says the database cannot take the work now (down, restarting, busy past the timeouts, full,
    read-only), so that the same request may succeed later; not a statement it refuses (a bug, a constraint)."""
    if isinstance(error, PoolTimeoutError):  # every pooled connection stayed in use past the pool's timeout
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    if isinstance(error.orig, sqlite3.Error):
        return error_code(error.orig) in SQLITE_UNAVAILABLE
    # The servers' drivers raise OperationalError for a lost or refused connection, a lock or statement timeout, a
    # full disk, a shutdown; PostgreSQL's read-only refusal is an InternalError.
    return isinstance(error, OperationalError) or error_code(error.orig) == POSTGRESQL_READ_ONLY
