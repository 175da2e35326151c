"""The sign-in log: every sign-in, failed attempt and sign-out, for admins; "last signed in" on a user's page."""

from helpers import PASSWORD, read
from models import SignIn


def test_sign_ins_failures_and_sign_outs_are_logged(app, anonymous):
    anonymous.post("/sign-in", data={"email": "root@example.org", "password": "wrong"})
    anonymous.post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
    anonymous.post("/sign-out")
    assert [(row.email, row.event) for row in sorted(read(app, SignIn), key=lambda row: row.id)] == [
        ("root@example.org", "failure"), ("root@example.org", "sign-in"), ("root@example.org", "sign-out")]


def test_admins_read_the_log_newest_first_and_for_one_email(app, anonymous, client):
    anonymous.post("/sign-in", data={"email": "nobody@example.org", "password": "guess"})
    anonymous.post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
    html = client.get("/sign-ins").get_data(as_text=True)
    assert html.index("Signed in") < html.index("wrong password")  # newest first
    one = client.get("/sign-ins?email=nobody@example.org").get_data(as_text=True)
    assert "nobody@example.org" in one and "Signed in" not in one


def test_a_users_page_says_when_they_last_signed_in(app, anonymous, client):
    assert "Never" in client.get("/users/1").get_data(as_text=True)
    anonymous.post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
    [logged] = read(app, SignIn)
    html = client.get("/users/1").get_data(as_text=True)
    assert f"{logged.at.day} {logged.at:%b %Y, %H:%M} UTC" in html.split("Last signed in")[1][:200]


def test_the_log_searched_for_an_email_with_a_nul_byte_answers_200_not_500(client):
    response = client.get("/sign-ins?email=%00")
    assert response.status_code == 200
