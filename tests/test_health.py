"""/healthz: what a load balancer or monitor asks, with no sign-in and no details."""

import pytest
from sqlalchemy.engine import make_url



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
