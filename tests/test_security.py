"""Headers, cookies, production settings and escaping, on every kind of response."""

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest

from app import create_app
from helpers import PASSWORD, signed_in
from models import Course, Enrollment, Student, User

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/", "/students", "/nowhere", "/static/style.css"])
def test_headers_on_pages_errors_and_files(client, path):
    with client.get(path) as response:
        assert_security_headers(response)


def test_headers_on_sign_in_and_a_500(app, anonymous):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/boom", "boom", lambda: 1 / 0)
    assert_security_headers(anonymous.get("/sign-in"))
    response = signed_in(app, "root@example.org").get("/boom")
    assert response.status_code == 500
    assert_security_headers(response)
    assert "ZeroDivisionError" not in response.get_data(as_text=True)


def test_no_hsts_over_http_but_hsts_and_secure_cookie_over_https(anonymous):
    assert "Strict-Transport-Security" not in anonymous.get("/sign-in").headers
    response = anonymous.post("/sign-in", base_url="https://localhost", data={"email": "root@example.org", "password": PASSWORD})
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


def test_session_cookie_is_httponly_and_samesite_lax(anonymous):
    response = anonymous.post("/sign-in", data={"email": "root@example.org", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"PRODUCTION": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})
    with pytest.raises(RuntimeError, match="at least 32"):
        create_app({"PRODUCTION": True, "SECRET_KEY": "short", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})


def test_production_mode_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("ROSTER_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    monkeypatch.setenv("TRUSTED_HOSTS", "roster.example.edu")
    assert create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"}).config["PRODUCTION"]


def test_trusted_hosts_refuse_other_hosts(tmp_path, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "roster.example.edu, localhost")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})
    client = app.test_client()
    assert client.get("/sign-in", base_url="http://evil.example").status_code == 400
    with client.get("/static/style.css", base_url="http://roster.example.edu") as response:
        assert response.status_code == 200


def test_templates_have_no_inline_script_or_style():
    for template in Path("templates").rglob("*.html"):
        html = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), template
        assert not re.search(r"\sstyle=|<style", html), template
        assert not re.search(r"\son[a-z]+=", html), template


@pytest.fixture
def hostile(app, add):
    """Every text field holds markup."""
    user = add(User, name=XSS, email="xss@example.org")
    course = add(Course, code="XSS-1", title=XSS, credits=1, teacher_id=user)
    student = add(Student, name=XSS, email="xss@school.example", advisor_id=user)
    add(Enrollment, student_id=student, course_id=course)
    return {"user": user, "course": course, "student": student}


@pytest.mark.parametrize(
    "path",
    [
        "/users", "/users?q=xss", "/users/{user}", "/users/{user}/edit", "/users/{user}/confirm-delete",
        "/students", "/students/{student}", "/students/{student}/edit", "/students/{student}/confirm-delete",
        "/students?advisor={user}", "/students?course={course}", "/courses?teacher={user}",
        "/courses", "/courses/{course}", "/courses/{course}/edit", "/courses/{course}/confirm-delete",
        "/courses/{course}/enroll?find=xss",
    ],
)
def test_markup_is_escaped_everywhere_it_is_shown(client, hostile, path):
    html = client.get(path.format(**hostile)).get_data(as_text=True)
    assert "&lt;script&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


def test_markup_in_search_and_flash_is_escaped(client):
    html = client.get("/students", query_string={"q": XSS}).get_data(as_text=True)
    assert "<script>alert" not in html
    response = client.post("/users/new", data={"name": XSS, "email": "new@example.org", "role": "viewer"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved user “&lt;script&gt;" in html and "<script>alert" not in html


def test_markup_in_picker_search_is_escaped(client):
    html = client.post("/students/new", data={"advisor_id_q": XSS, "then": "find"}).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_sort_and_filter_parameters_are_allow_listed(client, hostile):
    response = client.get("/students", query_string={"sort": "name; DROP TABLE students", "grade": "1 OR 1=1"})
    assert response.status_code == 200
    assert client.get("/students").status_code == 200  # the table is still there


def test_production_refuses_to_start_without_trusted_hosts(tmp_path, monkeypatch):
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    with pytest.raises(RuntimeError, match="set TRUSTED_HOSTS"):
        create_app({"PRODUCTION": True, "SECRET_KEY": "k" * 64, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/r.db"})


def test_make_serve_trusts_the_local_host_names_unless_told_otherwise():
    assert 'TRUSTED_HOSTS="$${TRUSTED_HOSTS:-127.0.0.1,localhost}"' in (Path(__file__).parent.parent / "Makefile").read_text()


@pytest.mark.parametrize("path, location", [("/students//5", "/students/5"), ("/users//1?q=a", "/users/1?q=a")])
def test_werkzeugs_redirects_are_relative_whatever_the_host_header(client, path, location):
    response = client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 308 and response.headers["Location"] == location


def test_signed_in_pages_are_not_stored_but_static_files_are_cached(client):
    assert client.get("/students").headers["Cache-Control"] == "no-store"
    assert client.get("/nowhere").headers["Cache-Control"] == "no-store"
    with client.get("/static/style.css") as response:
        assert "no-store" not in response.headers.get("Cache-Control", "")
        assert "Set-Cookie" not in response.headers  # a cache may keep a static file: never with a session in it


def sign_in_for_real(client):
    assert client.post("/sign-in", data={"email": "root@example.org", "password": PASSWORD}).status_code == 302


@pytest.mark.backends("sqlite")
def test_a_session_idles_out(make_app, app):
    client = make_app(PERMANENT_SESSION_LIFETIME=timedelta(seconds=1)).test_client()
    sign_in_for_real(client)
    assert client.get("/students").status_code == 200
    time.sleep(2.1)  # the cookie's signature is older than the idle timeout: itsdangerous counts whole seconds
    assert client.get("/students").headers["Location"].startswith("/sign-in")


def test_each_request_renews_the_idle_timeout(client):
    assert "Expires=" in client.get("/students").headers["Set-Cookie"]


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app):
    client = app.test_client()
    sign_in_for_real(client)
    with client.session_transaction() as session:
        session["signed_in_at"] -= 24 * 3600 + 1
    response = client.get("/students?q=ann")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in?next=/students?q%3Dann"
    assert "sign in again" in client.get("/sign-in").get_data(as_text=True)
    assert client.get("/students").headers["Location"].startswith("/sign-in")


@pytest.mark.parametrize("name", ['Eve "x"; filename=evil.exe\r\nSet-Cookie: a=1', "Zoë\u202e\u0007Ünal\u2028"],
                         ids=["quotes, semicolon and a line break", "an override, a bell and a line separator"])
def test_a_related_rows_name_in_an_exports_filter_cannot_reach_its_headers(client, add, name):
    """Names written around the forms (a shell, an old import) may hold anything: the download's name keeps letters,
    digits and hyphens, and its header is one line of ASCII."""
    advisor = add(User, name=name, email="eve@example.org")
    course = add(Course, code='X"\r\n1', title='Art "\r\nSet-Cookie: b=2', credits=1, teacher_id=advisor)
    for path in (f"/students/export?advisor={advisor}", f"/students/export?course={course}&format=xlsx",
                 f"/courses/{course}/students/export"):
        response = client.get(path)
        response.close()
        disposition = response.headers["Content-Disposition"]
        assert response.status_code == 200, path
        assert not any("a=1" in cookie or "b=2" in cookie for cookie in response.headers.getlist("Set-Cookie"))
        assert disposition.isascii() and not re.search(r"[\x00-\x1f\x7f]", disposition), disposition
        assert re.fullmatch(r'attachment; filename="[A-Za-z0-9._-]+"(; filename\*=UTF-8\'\'[A-Za-z0-9._%-]+)?',
                            disposition), disposition
