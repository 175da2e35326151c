"""The CSRF check as an office worker meets it: a form left open for hours still saves; a form that is refused says
why in words, not in Flask-WTF's."""

import time

from itsdangerous import TimestampSigner

from helpers import read, signed_in
from models import Student
from test_unavailable_retry import csrf_signer

ANA = {"name": "Ana Ruiz", "email": "ana@school.example", "grade": "5", "enrolled_on": "2024-09-01"}


class FormOpenedThisMorning(TimestampSigner):
    def get_timestamp(self):
        return int(time.time()) - 5 * 60 * 60


def guarded(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = signed_in(app, "root@example.org")
    with client.session_transaction() as session:
        session["csrf_token"] = "a raw token of this session"
    return client


def test_a_form_opened_five_hours_ago_in_the_same_session_still_saves(app):
    client = guarded(app)
    token = csrf_signer(app, FormOpenedThisMorning).dumps("a raw token of this session")
    response = client.post("/students/new", data={**ANA, "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[-600:]
    assert [student.name for student in read(app, Student)] == ["Ana Ruiz"]


def test_a_form_of_another_session_is_refused_in_words_and_saves_nothing(app):
    client = guarded(app)
    token = csrf_signer(app).dumps("the raw token of a session since ended")
    for data in ({**ANA, "csrf_token": token}, ANA):
        response = client.post("/students/new", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "This form was opened before you last signed in, or on another site" in page
        assert "CSRF" not in page
    assert read(app, Student) == []
