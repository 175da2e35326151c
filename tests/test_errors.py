import io

import pytest
from flask import abort

from helpers import read, signed_in
from models import Student, Upload, User, db


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 500, 503])
def test_error_pages_use_the_layout(app, code):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule(f"/fail/{code}", f"fail{code}", lambda: abort(code))
    response = signed_in(app, "root@example.org").get(f"/fail/{code}")
    assert response.status_code == code
    html = response.get_data(as_text=True)
    assert 'class="site-nav"' in html and f'<p class="error-code">{code}</p>' in html


def test_500_rolls_back_the_session(app):
    def half_done():
        db.session.add(User(name="Half", email="half@example.org"))
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/half", "half", half_done)
    app.config["RECORDS_GUARD"] = False  # a write around the write path, left half done by an error
    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer as in production, not raise into the test
    response = signed_in(app, "root@example.org").get("/half")
    assert response.status_code == 500
    assert "Traceback" not in response.get_data(as_text=True)
    assert read(app, User, name="Half") == []


def test_post_without_csrf_token_is_refused(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/users/new", data={"name": "Ada", "email": "ada@example.org"})
    assert response.status_code == 400
    assert "This form was opened before you last signed in" in response.get_data(as_text=True)
    assert read(app, User, name="Ada") == []


def test_post_with_csrf_token_is_accepted(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    html = client.get("/users/new").get_data(as_text=True)
    token = html.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/users/new", data={"name": "Ada", "email": "ada@example.org", "csrf_token": token})
    assert response.status_code == 302


def test_oversized_body_is_refused(client):
    response = client.post("/users/new", data={"name": "x" * (2 * 1024 * 1024), "email": "a@example.org"})
    assert response.status_code == 413


def test_error_page_renders_the_layout_when_the_database_is_down(make_app, database_url):
    from test_health import unreachable_database

    app = make_app(SQLALCHEMY_DATABASE_URI=unreachable_database(database_url), PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    with client.session_transaction() as session:  # a signed-in user's session: loading them needs the database
        session["_user_id"] = "1:token"
        session["_fresh"] = True
    response = client.get("/students")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert 'class="site-nav"' in html and '<p class="error-code">503</p>' in html


def test_404_speaks_the_sites_words_with_a_search_box_and_a_way_back(client):
    html = client.get("/students/999").get_data(as_text=True)
    assert "We could not find that page" in html and 'action="/students"' in html and 'name="q"' in html
    assert 'href="/students">All students</a>' in html


def test_error_pages_have_breadcrumbs(client):
    html = client.get("/courses/999").get_data(as_text=True)
    assert '<nav class="breadcrumbs" aria-label="Breadcrumb"><a href="/">Home</a> / <a href="/courses">Courses</a> /</nav>' in html


def test_403_says_who_may_and_links_back_to_the_record(client_as, add):
    from models import Student
    id = add(Student, name="Ana Ruiz", email="ana@school.example")
    response = client_as("viewer").get(f"/students/{id}/edit")
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Only editors and admins may do this, and you are a viewer." in html
    assert f'<a class="button primary" href="/students/{id}">Back to the record</a>' in html


def test_a_viewer_is_offered_no_link_to_choose_courses(client_as, add):
    from models import Student
    id = add(Student, name="Ana Ruiz", email="ana@school.example")
    html = client_as("viewer").get(f"/students/{id}").get_data(as_text=True)
    assert "None yet." in html and "Choose courses" not in html


def test_a_viewer_is_not_told_to_choose_an_advisor(client_as, add):
    id = add(User, name="Ada Lovelace", email="ada@example.org")
    html = client_as("viewer").get(f"/users/{id}").get_data(as_text=True)
    assert "Choose an advisor" not in html and "Choose a teacher" not in html


def post_import_with_csrf(app, client, data: bytes):
    """An upload as a browser sends it in production: with the form's CSRF token, which the CSRF check reads first."""
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/students/import").get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/students/import", data={"csrf_token": token, "file": (io.BytesIO(data), "intake.csv")},
                       content_type="multipart/form-data")


def test_a_file_over_the_import_limit_is_refused_on_the_upload_page_at_its_field(app, client):
    app.config["IMPORT_MAX_BYTES"] = 2000
    response = post_import_with_csrf(app, client, b"Name,Email,Grade\n" + b"x" * 3000)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Import students" in html
    assert "the most an import takes. Split it, or ask an admin." in html
    assert read(app, Upload) == []


def test_a_viewer_posting_a_file_over_the_import_limit_is_refused_403(app, client_as):
    app.config["IMPORT_MAX_BYTES"] = 2000
    viewer = client_as("viewer")
    app.config["WTF_CSRF_ENABLED"] = True
    token = viewer.get("/students").get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = viewer.post("/students/import", data={"csrf_token": token, "file": (io.BytesIO(b"x" * 3000), "a.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


def test_a_file_over_the_import_limit_posted_signed_out_answers_413(app, anonymous):
    app.config.update(IMPORT_MAX_BYTES=2000, WTF_CSRF_ENABLED=True, PROPAGATE_EXCEPTIONS=False)
    response = anonymous.post("/students/import", data={"file": (io.BytesIO(b"x" * 3000), "a.csv")},
                              content_type="multipart/form-data")
    assert response.status_code == 413 and read(app, Upload) == []


def test_a_form_over_the_limit_says_in_the_sites_words_that_nothing_was_saved(app, client):
    response = client.post("/students/new", data={"name": "x" * (2 * 1024 * 1024), "email": "a@school.example"})
    html = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "Nothing was saved: a page may send at most 1.0 MB, and this was more." in html
    assert read(app, Student) == []
