"""Signing in and out, roles, first run, passwords and sessions."""

import pytest

from helpers import PASSWORD, read, signed_in
import records
from models import ChangeSet, Course, Enrollment, Student, User, db

# Every route, with the least role that may use it. test_every_route_is_in_the_table keeps it complete.
ROUTES = [
    ("POST", "/students/bulk", "editor"),
    ("POST", "/courses/bulk", "editor"),
    ("POST", "/users/bulk", "admin"),
    ("GET", "/students/export", "viewer"),
    ("GET", "/users/export", "viewer"),
    ("GET", "/courses/export", "viewer"),
    ("GET", "/courses/{course}/students/export", "viewer"),
    ("GET", "/students/import", "editor"),
    ("POST", "/students/import", "editor"),
    ("GET", "/courses/import", "editor"),
    ("POST", "/courses/import", "editor"),
    ("GET", "/courses/enrollments/import", "editor"),
    ("POST", "/courses/enrollments/import", "editor"),
    ("GET", "/users/import", "admin"),
    ("POST", "/users/import", "admin"),
    ("GET", "/search", "viewer"),
    ("GET", "/", "viewer"),
    ("GET", "/account/password", "viewer"),
    ("POST", "/account/password", "viewer"),
    ("POST", "/sign-out", "viewer"),
    ("GET", "/users", "viewer"),
    ("GET", "/users/{user}", "viewer"),
    ("GET", "/users/new", "admin"),
    ("POST", "/users/new", "admin"),
    ("GET", "/users/{user}/edit", "admin"),
    ("POST", "/users/{user}/edit", "admin"),
    ("GET", "/users/{user}/confirm-delete", "admin"),
    ("POST", "/users/{user}/delete", "admin"),
    ("GET", "/students", "viewer"),
    ("GET", "/students/{student}", "viewer"),
    ("GET", "/students/print", "viewer"),
    ("GET", "/students/new", "editor"),
    ("POST", "/students/new", "editor"),
    ("GET", "/students/{student}/edit", "editor"),
    ("POST", "/students/{student}/edit", "editor"),
    ("GET", "/students/{student}/confirm-delete", "editor"),
    ("POST", "/students/{student}/delete", "editor"),
    ("GET", "/courses", "viewer"),
    ("GET", "/courses/{course}", "viewer"),
    ("GET", "/courses/new", "editor"),
    ("POST", "/courses/new", "editor"),
    ("GET", "/courses/{course}/edit", "editor"),
    ("POST", "/courses/{course}/edit", "editor"),
    ("GET", "/courses/{course}/confirm-delete", "editor"),
    ("POST", "/courses/{course}/delete", "editor"),
    ("GET", "/courses/{course}/print", "viewer"),
    ("GET", "/courses/{course}/enroll", "editor"),
    ("POST", "/courses/{course}/enrollments", "editor"),
    ("POST", "/courses/{course}/enrollments/{student}/delete", "editor"),
    ("GET", "/users/{user}/history", "viewer"),
    ("GET", "/students/{student}/history", "viewer"),
    ("GET", "/courses/{course}/history", "viewer"),
    ("GET", "/changes", "viewer"),
    ("GET", "/sign-ins", "admin"),
    ("POST", "/changes/{change_set}/undo", "editor"),  # a change to a student
    ("GET", "/views", "viewer"),
    ("POST", "/views", "viewer"),
    ("GET", "/account", "viewer"),
    ("POST", "/account", "viewer"),
    ("POST", "/account/columns", "viewer"),
]
PUBLIC = [("GET", "/sign-in"), ("POST", "/sign-in"), ("GET", "/setup"), ("POST", "/setup"), ("GET", "/healthz"),
          ("GET", "/static/<path:filename>")]
ROLES = ["viewer", "editor", "admin"]


@pytest.fixture
def ids(app, add):
    user = add(User, name="Target User", email="target@example.org")
    course = add(Course, code="ART-1", title="Drawing", credits=2)
    student = add(Student, name="Target Student", email="target@school.example")
    add(Enrollment, student_id=student, course_id=course)
    with app.app_context():
        with records.change():
            db.session.get(Student, student).grade = 6
        change_set = db.session.scalar(db.select(ChangeSet.id))
    return {"user": user, "course": course, "student": student, "change_set": change_set}


# The steps of an import after its upload: each names an upload of the person importing (another's is a 404).
UPLOAD_STEPS = [(method, f"/{prefix}import/<int:upload_id>{step}", role)
                for prefix, role in (("students/", "editor"), ("courses/", "editor"), ("courses/enrollments/", "editor"),
                                     ("users/", "admin"))
                for method, step in (("GET", ""), ("POST", ""), ("GET", "/checking"), ("GET", "/preview"),
                                     ("POST", "/preview"))]


# What changes a saved view names one of one's own (another's is a 404: tests/test_saved_views.py).
OWN_VIEW_STEPS = [("POST", f"/views/<int:id>/{step}") for step in ("rename", "pin", "unpin", "delete")]


def test_every_route_is_in_the_table(app):
    listed = {(method, path.replace("{user}", "<int:id>").replace("{student}", "<int:id>").replace("{course}", "<int:id>").replace("{change_set}", "<int:id>"))
              for method, path, _ in ROUTES} | set(PUBLIC) | {(method, path) for method, path, _ in UPLOAD_STEPS}
    listed |= set(OWN_VIEW_STEPS)
    listed = {(m, p.replace("enrollments/<int:id>/", "enrollments/<int:student_id>/")) for m, p in listed}
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert rules - listed == set()


@pytest.mark.parametrize("method, path, role", ROUTES)
def test_anonymous_is_sent_to_sign_in(anonymous, ids, method, path, role):
    response = anonymous.open(path.format(**ids), method=method)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("method, path", OWN_VIEW_STEPS)
def test_anonymous_is_sent_to_sign_in_from_a_saved_views_changes(anonymous, method, path):
    response = anonymous.open(path.replace("<int:id>", "1"), method=method)
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in?next=")


@pytest.mark.parametrize("method, path, least", ROUTES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_route(app, client_as, ids, role, method, path, least):
    client = client_as(role) if role != "admin" else signed_in(app, "root@example.org")
    response = client.open(path.format(**ids), method=method, data={"student_id": ids["student"]})
    if ROLES.index(role) >= ROLES.index(least):  # let in: answered (an import posted without a file says so, 400)
        assert response.status_code in (200, 302, 400) and "may not do this" not in response.get_data(as_text=True)
    else:
        assert response.status_code == 403
        assert "may not do this" in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path, least", UPLOAD_STEPS)
def test_the_steps_of_an_import_refuse_the_roles_that_may_not_import(client_as, method, path, least):
    role = ROLES[ROLES.index(least) - 1]
    response = client_as(role).open(path.replace("<int:upload_id>", "1"), method=method)
    assert response.status_code == 403 and "may not do this" in response.get_data(as_text=True)


def test_viewer_cannot_delete_and_nothing_is_deleted(app, client_as, ids):
    assert client_as("viewer").post(f"/students/{ids['student']}/delete").status_code == 403
    assert read(app, Student, id=ids["student"])


@pytest.mark.parametrize(
    "role, shown, hidden",
    [
        ("viewer", [], ["Add student", ">Edit<", ">Delete<", "Enroll a student"]),
        ("editor", ["Add student", ">Edit<", ">Delete<"], []),
    ],
)
def test_buttons_a_role_may_not_use_are_hidden(client_as, ids, role, shown, hidden):
    client = client_as(role)
    html = client.get("/students").get_data(as_text=True) + client.get(f"/students/{ids['student']}").get_data(as_text=True)
    html += client.get(f"/courses/{ids['course']}").get_data(as_text=True)
    assert all(text in html for text in shown)
    assert not any(text in html for text in hidden)


def test_editor_sees_no_user_edit_buttons(client_as, ids):
    html = client_as("editor").get(f"/users/{ids['user']}").get_data(as_text=True)
    assert ">Edit<" not in html and "Add user" not in html


def sign_in(client, email="root@example.org", password=PASSWORD, next=None):
    return client.post("/sign-in", query_string={"next": next} if next else None,
                       data={"email": email, "password": password})


def test_sign_in_with_right_password(anonymous):
    response = sign_in(anonymous)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert anonymous.get("/students").status_code == 200


@pytest.mark.parametrize(
    "email, password",
    [
        ("root@example.org", "wrong password"),
        ("nobody@example.org", PASSWORD),
        ("record@example.org", PASSWORD),  # a user without a password
        ("gone@example.org", PASSWORD),  # deactivated
    ],
)
def test_failed_sign_in_says_the_same_thing(app, anonymous, add, email, password):
    add(User, name="Record Only", email="record@example.org")
    with app.app_context():
        gone = User(name="Gone", email="gone@example.org", active=False)
        gone.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
        db.session.add(gone)
        db.session.commit()
    response = sign_in(anonymous, email, password)
    assert response.status_code == 200
    assert "The email or password is not right, or this account cannot sign in." in response.get_data(as_text=True)
    assert anonymous.get("/students").status_code == 302


@pytest.mark.parametrize(
    "next, expected",
    [
        ("/students?grade=3", "/students?grade=3"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        # Line breaks cannot go in a Location header (Werkzeug raises: a 500 after signing in), and a browser drops
        # tabs and line breaks from a URL: "/\t/evil.example" is "//evil.example" to it.
        ("/students\r\nSet-Cookie: x=1", "/"),
        ("/\r\\evil.example", "/"),
        ("/\t/evil.example", "/"),
    ],
)
def test_next_only_leads_to_this_site(anonymous, next, expected):
    assert sign_in(anonymous, next=next).headers["Location"] == expected


def test_sign_out_ends_the_session_even_for_a_replayed_cookie(app, anonymous):
    sign_in(anonymous)
    old_cookie = anonymous.get_cookie("session").value
    assert anonymous.post("/sign-out").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    response = replay.get("/students")
    assert response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


def test_sign_out_needs_post(client):
    assert client.get("/sign-out").status_code == 405


def test_password_change_ends_other_sessions(app):
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here)
    sign_in(elsewhere)
    response = here.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a much longer secret", "confirm": "a much longer secret"})
    assert response.status_code == 302
    assert here.get("/students").status_code == 200
    assert elsewhere.get("/students").status_code == 302
    assert sign_in(app.test_client(), password="a much longer secret").headers["Location"] == "/"


def test_password_change_needs_the_current_password(client):
    html = client.post("/account/password", data={
        "current_password": "wrong", "new_password": "a much longer secret", "confirm": "a much longer secret"}).get_data(as_text=True)
    assert "This is not your current password." in html


@pytest.mark.parametrize(
    "password, message",
    [
        ("short", "Use 8 to 200 characters."),
        ("x" * 201, "Use 8 to 200 characters."),
        ("password1", "one of the most common"),
        ("Qwertyuiop", "one of the most common"),
    ],
)
def test_password_rules(client, password, message):
    html = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": password, "confirm": password}).get_data(as_text=True)
    assert message in html


def test_deactivating_a_user_ends_their_sessions(app, client, client_as):
    viewer = client_as("viewer")
    assert viewer.get("/students").status_code == 200
    user = read(app, User, email="viewer@example.org")[0]
    client.post(f"/users/{user.id}/edit", data={"name": user.name, "email": user.email, "role": "viewer"})
    assert read(app, User, email="viewer@example.org")[0].active is False
    assert viewer.get("/students").status_code == 302


def test_admin_sets_a_password_and_role(app, client, add):
    user_id = add(User, name="New Staff", email="new@example.org")
    client.post(f"/users/{user_id}/edit", data={
        "name": "New Staff", "email": "new@example.org", "role": "editor", "active": "y", "new_password": "a fine passphrase"})
    user = read(app, User, id=user_id)[0]
    assert user.role == "editor" and user.check_password("a fine passphrase")


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, client):
    admin = read(app, User, email="root@example.org")[0]
    html = client.post(f"/users/{admin.id}/edit", data={"name": admin.name, "email": admin.email, "role": "viewer"}).get_data(as_text=True)
    assert "This is the only active admin" in html
    assert read(app, User, email="root@example.org")[0].role == "admin"


def test_admins_cannot_delete_themselves(app, client):
    admin = read(app, User, email="root@example.org")[0]
    client.post(f"/users/{admin.id}/delete")
    assert read(app, User, email="root@example.org")


def test_the_confirmation_for_ones_own_account_says_no_up_front(app, client, add):
    admin = read(app, User, email="root@example.org")[0]
    html = client.get(f"/users/{admin.id}/confirm-delete").get_data(as_text=True)
    assert "You cannot delete your own account" in html and "Yes, delete user" not in html
    assert f'action="/users/{admin.id}/delete"' not in html
    other = add(User, name="Other Admin", email="other@example.org", role="admin")
    assert "Yes, delete user" in client.get(f"/users/{other}/confirm-delete").get_data(as_text=True)


def test_passwords_are_hashed_with_scrypt_by_default(make_app):
    app = make_app(PASSWORD_HASH_METHOD="scrypt")
    with app.app_context():
        db.create_all()
    app.test_client().post("/setup", data={
        "name": "First", "email": "first@example.org", "password": PASSWORD, "confirm": PASSWORD})
    stored = read(app, User, email="first@example.org")[0].password_hash
    assert stored.startswith("scrypt:32768:8:1$") and PASSWORD not in stored


def test_first_run_leads_to_setup(empty_app):
    client = empty_app.test_client()
    assert client.get("/students").headers["Location"].startswith("/sign-in")
    assert client.get("/sign-in").headers["Location"] == "/setup"
    response = client.post("/setup", data={"name": "First", "email": "first@example.org", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 302
    assert client.get("/students").status_code == 200  # signed in as the new admin
    assert read(empty_app, User, email="first@example.org")[0].role == "admin"


def test_setup_is_gone_once_there_is_an_admin(anonymous):
    assert anonymous.get("/setup").status_code == 404
    assert anonymous.post("/setup", data={"name": "Evil", "email": "e@example.org", "password": PASSWORD, "confirm": PASSWORD}).status_code == 404


def test_create_admin_command(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["create-admin", "--name", "Cli Admin", "--email", "Cli@Example.org",
                                                      "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    user = read(empty_app, User, email="cli@example.org")[0]
    assert user.role == "admin" and user.check_password(PASSWORD)


def test_create_admin_refuses_a_common_password(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["create-admin", "--name", "A", "--email", "a@example.org", "--password", "password"])
    assert result.exit_code == 2 and "common" in result.output


def test_demo_accounts_print_a_working_sign_in(app):
    output = app.test_cli_runner().invoke(args=["demo-accounts"]).output
    password = output.split("admin@example.org")[1].split()[0]
    assert sign_in(app.test_client(), "admin@example.org", password).headers["Location"] == "/"
