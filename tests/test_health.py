"""/healthz: what a load balancer or monitor asks, with no sign-in and no details."""

import time

import pytest
from sqlalchemy.engine import make_url

from test_read_only_database import read_only, read_only_server
from test_sqlite import other_writer


def unreachable_database(database_url: str) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return "sqlite:////nonexistent-directory/roster.db"
    return url.set(port=1).render_as_string(hide_password=False)  # nothing listens on port 1


def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok\n")
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_without_details_when_the_database_does_not(make_app, database_url):
    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database(database_url))
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "unavailable\n")


@pytest.mark.backends("postgresql", "mariadb")
def test_healthz_survives_the_server_dropping_pooled_connections(client, backend):
    assert client.get("/healthz").status_code == 200  # leaves a connection in the pool
    backend.drop_connections()
    assert client.get("/healthz").status_code == 200
    assert client.get("/users").status_code == 200


@pytest.mark.backends("sqlite")
def test_healthz_answers_503_while_the_sqlite_file_is_read_only_and_200_after(app, anonymous, caplog):
    with read_only(app):
        response = anonymous.get("/healthz")
        assert (response.status_code, response.get_data(as_text=True)) == (503, "unavailable\n")
        assert "is read-only" in caplog.text  # the reason goes to the log
    assert anonymous.get("/healthz").status_code == 200


@pytest.mark.backends("postgresql", "mariadb")
def test_healthz_answers_503_while_the_server_is_read_only_and_200_after(app, anonymous, backend, caplog):
    with read_only_server(backend, app):
        response = anonymous.get("/healthz")
        assert (response.status_code, response.get_data(as_text=True)) == (503, "unavailable\n")
        assert "read-only" in caplog.text
    assert anonymous.get("/healthz").status_code == 200


@pytest.mark.backends("sqlite")
def test_healthz_answers_200_at_once_while_another_worker_holds_the_write_lock(app, anonymous):
    writer = other_writer(app)  # a busy database, not a broken one: saves wait their turn
    started = time.monotonic()
    assert anonymous.get("/healthz").status_code == 200
    assert time.monotonic() - started < 2
    writer.close()


def test_healthz_writes_nothing(anonymous, count_statements):
    assert anonymous.get("/healthz").status_code == 200
    assert count_statements and all(statement.lstrip().upper().startswith("SELECT") for statement in count_statements)
