"""An admin does not lock themselves out by a slip: the user form refuses to take away their own admin role or
access (another admin may), and a change that did take away their right to undo it offers no Undo."""

import re

import pytest

from helpers import read, signed_in
from models import User


@pytest.fixture
def me(app, add):
    add(User, name="Other Admin", email="other@example.org", role="admin")  # so the last-admin rule is not what stops it
    return read(app, User, email="root@example.org")[0]


@pytest.mark.parametrize("change, message", [
    ({"role": "editor", "active": "y"}, "You cannot take away your own admin role: ask another admin to change it."),
    ({"role": "admin"}, "You cannot deactivate your own account: ask another admin to."),
])
def test_the_user_form_refuses_to_take_away_ones_own_access(client, app, me, change, message):
    response = client.post(f"/users/{me.id}/edit", data={"name": me.name, "email": me.email, **change})
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert [(u.role, u.active) for u in read(app, User, id=me.id)] == [("admin", True)]


def test_the_user_form_saves_ones_own_other_fields(client, app, me):
    response = client.post(f"/users/{me.id}/edit", data={"name": "Root Renamed", "email": me.email, "role": "admin",
                                                          "active": "y"})
    assert response.status_code == 302
    assert read(app, User, id=me.id)[0].name == "Root Renamed"


def test_another_admin_may_demote_one(app, me):
    other = signed_in(app, "other@example.org")
    response = other.post(f"/users/{me.id}/edit", data={"name": me.name, "email": me.email, "role": "editor",
                                                         "active": "y"})
    assert response.status_code == 302 and read(app, User, id=me.id)[0].role == "editor"
    assert "Undo" in other.get(response.headers["Location"]).get_data(as_text=True)


def test_demoting_oneself_in_bulk_offers_no_undo(client, app, me):
    form = {"action": "set-role", "id": [str(me.id)], "query": "", "role": "editor"}
    html = client.post("/users/bulk", data={**form, "then": "preview"}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    response = client.post("/users/bulk", data={**form, **hidden, "include_me": "y", "then": "run"})
    assert response.status_code == 302 and read(app, User, id=me.id)[0].role == "editor"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Set role on 1 user." in page
    assert "/undo" not in page and ">Undo<" not in page


@pytest.mark.parametrize("action", ["deactivate", "delete"])
def test_leaving_in_bulk_offers_no_undo_either(client, app, me, action):
    form = {"action": action, "id": [str(me.id)], "query": ""}
    html = client.post("/users/bulk", data={**form, "then": "preview"}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    response = client.post("/users/bulk", data={**form, **hidden, "include_me": "y", "then": "run"})
    assert response.status_code == 302
    assert [u.active for u in read(app, User, id=me.id)] == ([False] if action == "deactivate" else [])
    with client.session_transaction() as session:
        assert "undo" not in [category for category, _ in session.get("_flashes", [])]
