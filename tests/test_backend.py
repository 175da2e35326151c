"""database/backend.py tells each backend's capabilities as they are: each is checked against the database itself."""

import json
from dataclasses import asdict

import pytest
from sqlalchemy import inspect
from sqlalchemy.exc import DBAPIError

from database.backend import backend as backend_of
from database.schema_extras import search_table
from listing.counts import id_list, listed_ids, listed_parameter
from models import Student, db

CAPABILITIES = {
    "sqlite": dict(trigram_table=True, substring_index=False, transactional_ddl=True, param_marker="?",
                   server=False, pragmas=True, copy_from=False, code_point_order=True),
    "postgresql": dict(trigram_table=False, substring_index=True, transactional_ddl=True, param_marker="%s",
                       server=True, pragmas=False, copy_from=True, code_point_order=False),
    "mariadb": dict(trigram_table=False, substring_index=False, transactional_ddl=False, param_marker="%s",
                    server=True, pragmas=False, copy_from=False, code_point_order=False),
}


def reported(app):
    with app.app_context():
        return backend_of()


# Checked against the database by tests of their own: below, in test_read_only_database.py, and (writers_take_turns)
# in test_bulk_together.py.
CHECKED_APART = ("read_only_query", "read_only_errors", "json_functions", "json_aggregates", "likely_function",
                 "connect_args", "id_list_parameter", "limit_by_subquery", "writers_take_turns")


def test_each_backend_reports_its_name_and_capabilities(app, backend):
    capabilities = {name: value for name, value in asdict(reported(app)).items() if name not in CHECKED_APART}
    assert capabilities == {"name": backend.name, **CAPABILITIES[backend.name]}


def test_likely_is_where_reported_and_makes_sqlite_walk_the_sort_order(app, backend):
    """SQLite's likely(X) is X, and tells the planner that X holds for most rows: a filter by two grades then walks the
    name order's index instead of finding the rows through the grade index and sorting them all."""
    with app.app_context():
        name = backend_of().likely_function
        assert name == ("likely" if backend.name == "sqlite" else None)
        if name is None:
            return
        assert db.session.scalar(db.text(f"SELECT {name}(2 > 1)")) == 1
        query = "EXPLAIN QUERY PLAN SELECT id FROM students WHERE {} ORDER BY sort_name, id LIMIT 25"
        plans = [" ".join(row[-1] for row in db.session.execute(db.text(query.format(condition))))
                 for condition in ("grade IN (3, 4)", f"{name}(grade IN (3, 4))")]
        assert "TEMP B-TREE" in plans[0] and "TEMP B-TREE" not in plans[1], plans


def test_a_limit_takes_a_subquery_where_reported(app, backend):
    """A LIMIT of 0 from a subquery reads nothing (a sort's later index range); MariaDB takes only a number there."""
    statement = db.text("SELECT count(*) FROM (SELECT id FROM students LIMIT (SELECT 0)) AS none_read")
    with app.app_context():
        if backend_of().limit_by_subquery:
            assert db.session.scalar(statement) == 0
        else:
            with pytest.raises(DBAPIError, match="syntax"):
                db.session.scalar(statement)
    assert reported(app).limit_by_subquery == (backend.name != "mariadb")


@pytest.mark.backends("postgresql")
def test_postgresql_connections_compile_no_jit(app):
    """The statement triggers' estimates over their transition tables made PostgreSQL JIT-compile each of them."""
    with app.app_context():
        assert db.session.scalar(db.text("SHOW jit")) == "off"


@pytest.mark.backends("postgresql", "mariadb")
def test_read_only_query_answers_no_on_a_writable_database(app):
    with app.app_context():
        assert not db.session.execute(db.text(backend_of().read_only_query)).scalar()


@pytest.mark.parametrize("url", ["mysql+pymysql://root@127.0.0.1/roster", "mariadb+pymysql://root@127.0.0.1/roster"])
def test_mysql_and_mariadb_urls_are_both_mariadb(url):
    assert backend_of(url).name == "mariadb"


def test_a_database_roster_does_not_run_on_is_refused():
    with pytest.raises(ValueError, match="not oracle"):
        backend_of("oracle://scott@db.example/orcl")


def test_trigram_table_is_there_where_reported_and_matches(app, add):
    ana = add(Student, name="Ana Álvarez", email="ana@school.example")
    with app.app_context():
        assert ("students_search" in inspect(db.engine).get_table_names()) == backend_of().trigram_table
        if backend_of().trigram_table:
            index = search_table("students")
            found = db.session.scalars(db.select(index.c.rowid).where(index.c.search_text.match('"alvarez"'))).all()
            assert found == [ana]


def test_substring_index_is_there_where_reported(app):
    with app.app_context():
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("students")}
        assert ("ix_students_search_trgm" in indexes) == backend_of().substring_index


def test_an_index_made_in_a_rolled_back_transaction_is_gone_where_ddl_is_transactional(app):
    with app.app_context(), db.engine.connect() as connection:
        connection.exec_driver_sql("CREATE INDEX ix_students_grade_probe ON students (grade)")
        connection.rollback()
        indexes = {index["name"] for index in inspect(connection).get_indexes("students")}
        assert ("ix_students_grade_probe" not in indexes) == backend_of().transactional_ddl


def test_param_marker_is_the_drivers_placeholder(app):
    with app.app_context(), db.engine.connect() as connection:
        marker = backend_of(connection).param_marker
        statement = f"SELECT count(*) FROM users WHERE email = {marker}"
        assert connection.exec_driver_sql(statement, ("root@example.org",)).scalar() == 1


def test_server_connections_are_checked_before_use_and_time_out(app):
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    server = reported(app).server
    assert options.get("pool_pre_ping", False) == server
    assert ("connect_timeout" in options["connect_args"]) == server
    assert ("timeout" in options["connect_args"]) == (not server)  # SQLite's wait for another writer's lock



def test_json_functions_build_what_python_reads_back(app):
    json_object, json_array = (getattr(db.func, name) for name in reported(app).json_functions)
    with app.app_context():
        built = db.session.scalar(db.select(db.cast(json_object(db.literal("a"), json_array(1, "x", db.null())), db.Text)))
    assert json.loads(built) == {"a": [1, "x", None]}


def test_json_aggregates_build_what_python_reads_back(app):
    array_agg, object_agg = (getattr(db.func, name) for name in reported(app).json_aggregates)
    rows = db.select(db.literal(1).label("n")).union_all(db.select(db.literal(2))).subquery()
    with app.app_context():
        array = db.session.scalar(db.select(db.cast(array_agg(rows.c.n), db.Text)))
        object = db.session.scalar(db.select(db.cast(object_agg(db.cast(rows.c.n, db.String), rows.c.n), db.Text)))
    assert (json.loads(array), json.loads(object)) == ([1, 2], {"1": 1, "2": 2})


def test_the_ids_a_count_listed_are_read_back_as_the_backend_reports(app, add, backend):
    """id_list_parameter: the ids a search's count listed (one JSON value) are bound as one parameter, an array or the
    JSON text, and read by the database itself; reported as none, they are an IN of parameters."""
    ids = add.many(Student, [{"name": f"Student {n}", "email": f"s{n}@school.example", "grade": 9} for n in range(4)])
    with app.app_context():
        how = backend_of().id_list_parameter
        assert how == {"sqlite": "json_each", "postgresql": "array", "mariadb": None}[backend.name]
        listed = db.session.scalar(db.select(id_list(db.select(Student.id).where(Student.id != ids[1]).cte())))
        read = db.select(Student.id).where(listed_ids(Student, backend_of()))
        assert sorted(db.session.scalars(read, listed_parameter(listed))) == [ids[0], ids[2], ids[3]]
        assert (str(read.compile(db.engine)).count("IN (") == 1) is (how != "array")
