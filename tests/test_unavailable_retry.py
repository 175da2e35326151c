"""The 503 page's Try again, as a browser meets it in production: with the CSRF check on, posted markup, an old
form's token, a cross-site post, and what the page asks of caches."""

import io
import time

import pytest
from itsdangerous import BadData, TimestampSigner, URLSafeTimedSerializer

from helpers import read, signed_in
from models import Student, Upload
import test_database_unavailable
from test_database_unavailable import ANA, assert_unavailable_page, kept, locked, try_again

impatient = test_database_unavailable.impatient  # a fixture: the app answering 503 soon when SQLite is locked

MARKUP = '"><script>alert(1)</script><img src=x onerror=alert(2)>'


class FormOpenedLongAgo(TimestampSigner):
    """Signs a CSRF token dated 50 minutes back: of the hour it is valid, 10 minutes are left."""

    def get_timestamp(self):
        return int(time.time()) - 50 * 60


def csrf_signer(app, signer=TimestampSigner):
    """Flask-WTF's serializer of CSRF tokens."""
    return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token", signer=signer)


@pytest.fixture
def guarded(impatient):
    """The impatient app with the CSRF check on, and a client signed in whose session holds a raw CSRF token."""
    impatient.config["WTF_CSRF_ENABLED"] = True
    client = signed_in(impatient, "root@example.org")
    with client.session_transaction() as session:
        session["csrf_token"] = "a raw token of this session"
    return impatient, client


@pytest.mark.backends("sqlite")
def test_try_again_sends_a_csrf_token_of_now_so_an_old_forms_typing_is_not_refused_as_expired(guarded):
    app, client = guarded
    old_token = csrf_signer(app, FormOpenedLongAgo).dumps("a raw token of this session")
    with locked(app):
        response = client.post("/students/new", data={**ANA, "csrf_token": old_token})
    assert_unavailable_page(response)
    # The database is back after the form's hour ran out: the token posted has expired, the one kept has not.
    app.config["WTF_CSRF_TIME_LIMIT"] = 10 * 60
    with pytest.raises(BadData):
        csrf_signer(app).loads(old_token, max_age=app.config["WTF_CSRF_TIME_LIMIT"])
    again = try_again(client, response)
    assert again.status_code == 302, again.get_data(as_text=True)
    _, fields = kept(response)
    assert csrf_signer(app).loads(fields["csrf_token"], max_age=60) == "a raw token of this session"
    assert [student.name for student in read(app, Student)] == ["Ana Ruiz"]


@pytest.mark.backends("sqlite")
def test_a_post_failing_the_csrf_check_while_the_database_is_locked_is_refused_keeping_nothing(guarded):
    """A cross-site post is refused by the CSRF check before anything asks the database: no page of ours sends its
    fields back, let alone with a valid token."""
    app, client = guarded
    with locked(app):
        forged = client.post("/students/new", data={**ANA, "name": MARKUP})
        forged_anonymously = app.test_client().post("/students/new", data={**ANA, "name": MARKUP})
    for response in forged, forged_anonymously:
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert 'id="retry"' not in page and "onerror" not in page and "ana@school.example" not in page
    assert read(app, Student) == []


@pytest.mark.backends("sqlite")
def test_markup_posted_is_kept_escaped_and_sent_again_as_it_was(guarded):
    app, client = guarded
    token = csrf_signer(app).dumps("a raw token of this session")
    with locked(app):
        response = client.post("/students/new?then=x%22%3E%3Cscript%3E", data={**ANA, "name": MARKUP,
                                                                                 "csrf_token": token})
    assert_unavailable_page(response)
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "<img src=x" not in page
    address, fields = kept(response)
    assert address == '/students/new?then=x%22%3E%3Cscript%3E' and fields["name"] == MARKUP


@pytest.mark.backends("sqlite")
def test_the_503_page_of_a_post_is_kept_by_no_cache_or_back_button(guarded):
    app, client = guarded
    token = csrf_signer(app).dumps("a raw token of this session")
    with locked(app):
        response = client.post("/students/new", data={**ANA, "csrf_token": token})
    assert_unavailable_page(response)
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.backends("sqlite")
def test_an_upload_while_locked_is_dropped_saying_so_and_try_again_asks_for_the_file(guarded):
    app, client = guarded
    token = csrf_signer(app).dumps("a raw token of this session")
    intake = b"Name,Email,Grade\nBea Secret,bea@school.example,3\n"
    with locked(app):
        response = client.post("/students/import", data={"csrf_token": token, "file": (io.BytesIO(intake), "a.csv")},
                               content_type="multipart/form-data")
    assert_unavailable_page(response)
    page = response.get_data(as_text=True)
    assert "What you entered is kept, but for the file: choose it again." in page and "Bea Secret" not in page
    assert list(kept(response)[1]) == ["csrf_token"]
    again = try_again(client, response)
    assert again.status_code == 400 and "Choose a CSV or XLSX file to upload." in again.get_data(as_text=True)
    assert read(app, Upload) == []
