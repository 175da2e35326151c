"""Sign-in limits: guessing stays bounded, counted in the database, without locking an account's owner out."""

import threading
from datetime import timedelta

import pytest

from helpers import PASSWORD, read
from models import SignIn, db, utcnow
from served import Browser, csrf_token, serving
from sign_in_limits import DEVICE_COOKIE, in_words

OWNER = "root@example.org"


def sign_in(client, password=PASSWORD, email=OWNER):
    return client.post("/sign-in", data={"email": email, "password": password})


def browser(app, address="10.0.0.1"):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


@pytest.fixture
def known_browser(app):
    """The owner's browser, which signed in before and signed out."""
    client = browser(app, "10.0.0.200")
    assert sign_in(client).status_code == 302
    assert client.get_cookie(DEVICE_COOKIE) is not None
    client.post("/sign-out")
    return client


def test_failures_from_one_address_are_limited(app):
    client = browser(app)
    for n in range(5):
        assert sign_in(client, "wrong", email=f"someone{n}@example.org").status_code == 200
    assert sign_in(client).status_code == 429  # even the right password waits


def test_failures_for_one_account_from_many_addresses_are_limited(app):
    for n in range(5):
        assert sign_in(browser(app, f"10.0.1.{n}"), "wrong").status_code == 200
    assert sign_in(browser(app, "10.0.1.99")).status_code == 429


def test_an_unknown_email_is_limited_like_a_known_one(app):
    for n in range(5):
        sign_in(browser(app, f"10.0.1.{n}"), "wrong", email="nobody@example.org")
    assert sign_in(browser(app, "10.0.1.99"), "wrong", email="nobody@example.org").status_code == 429


def test_failures_elsewhere_do_not_stop_the_owners_known_browser(app, known_browser):
    for n in range(20):
        sign_in(browser(app, f"10.0.2.{n}"), "wrong")
    assert sign_in(browser(app, "10.0.2.99")).status_code == 429  # guessing stays bounded
    assert sign_in(known_browser).status_code == 302


def test_a_known_browser_is_limited_by_its_own_failures(app, known_browser):
    for _ in range(5):
        assert sign_in(known_browser, "wrong").status_code == 200
    assert sign_in(known_browser).status_code == 429


def test_a_device_cookie_counts_only_for_its_own_user(app, known_browser):
    for n in range(5):
        sign_in(browser(app, f"10.0.3.{n}"), "wrong", email="other@example.org")
    assert sign_in(known_browser, "wrong", email="other@example.org").status_code == 429


def test_a_forged_device_cookie_is_an_unknown_browser(app):
    for n in range(5):
        sign_in(browser(app, f"10.0.4.{n}"), "wrong")
    client = browser(app, "10.0.4.99")
    client.set_cookie(DEVICE_COOKIE, "eyJ1c2VyIjoxLCJub25jZSI6ImZvcmdlZCJ9.forged.signature")
    assert sign_in(client).status_code == 429


def test_limits_hold_across_workers(make_app, app):
    """Two app instances on one database, as two gunicorn workers or two machines are: the count is shared."""
    other_worker = make_app()
    for n in range(5):
        worker = app if n % 2 else other_worker
        assert sign_in(browser(worker, f"10.0.5.{n}"), "wrong").status_code == 200
    assert sign_in(browser(other_worker, "10.0.5.99")).status_code == 429
    assert sign_in(browser(app, "10.0.5.98")).status_code == 429


def test_too_many_failures_say_when_to_try_again(app):
    client = browser(app)
    for _ in range(5):
        sign_in(client, "wrong")
    response = sign_in(client)
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60
    assert f"Too many failed sign-ins. Try again in {in_words(wait)}." in response.get_data(as_text=True)


def test_the_limit_lifts_after_the_window(app):
    client = browser(app)
    for _ in range(5):
        sign_in(client, "wrong")
    with app.app_context():  # the failures happened longer ago than the window
        db.session.execute(db.update(SignIn).values(at=utcnow() - timedelta(seconds=61)))
        db.session.commit()
    assert sign_in(client).status_code == 302


def test_successful_sign_ins_are_not_counted(app):
    for _ in range(7):
        assert sign_in(browser(app)).status_code == 302


def test_attempts_are_logged_and_old_ones_forgotten(app):
    with app.app_context():
        db.session.add(SignIn(email=OWNER, address="10.0.0.9", event="sign-in", at=utcnow() - timedelta(days=91)))
        db.session.commit()
    sign_in(browser(app), "wrong")
    sign_in(browser(app))
    logged = sorted((row.email, row.address, row.event) for row in read(app, SignIn))
    assert logged == [(OWNER, "10.0.0.1", "failure"), (OWNER, "10.0.0.1", "sign-in")]


@pytest.mark.parametrize(
    "seconds, words", [(1, "1 second"), (45, "45 seconds"), (60, "1 minute"), (61, "2 minutes"), (3600, "60 minutes")]
)
def test_waits_in_words(seconds, words):
    assert in_words(seconds) == words


def through_proxy(app, client_address):
    client = browser(app, "127.0.0.1")  # the reverse proxy
    client.environ_base["HTTP_X_FORWARDED_FOR"] = client_address
    return client


def test_behind_a_trusted_proxy_each_client_has_its_own_limit(make_app, app):
    proxied = make_app(TRUSTED_PROXIES=1)
    for n in range(5):
        sign_in(through_proxy(proxied, "203.0.113.7"), "wrong", email=f"someone{n}@example.org")
    assert sign_in(through_proxy(proxied, "203.0.113.7")).status_code == 429
    assert sign_in(through_proxy(proxied, "198.51.100.2")).status_code == 302
    assert {row.address for row in read(app, SignIn)} == {"203.0.113.7", "198.51.100.2"}


def test_forwarded_addresses_are_not_believed_by_default(app):
    for n in range(5):  # a client making up a new address for each guess
        sign_in(through_proxy(app, f"203.0.113.{n}"), "wrong", email=f"someone{n}@example.org")
    assert sign_in(through_proxy(app, "198.51.100.2")).status_code == 429


def test_wrong_current_passwords_on_the_password_page_are_limited_and_logged(app, anonymous):
    assert sign_in(anonymous).status_code == 302
    wrong = {"current_password": "a wrong guess", "new_password": "a much longer secret",
             "confirm": "a much longer secret"}
    for _ in range(5):
        assert "This is not your current password." in anonymous.post("/account/password", data=wrong).get_data(
            as_text=True)
    refused = anonymous.post("/account/password", data={**wrong, "current_password": PASSWORD})
    assert refused.status_code == 429 and "Too many wrong passwords. Try again in" in refused.get_data(as_text=True)
    assert [row.event for row in read(app, SignIn)].count("failure") == 5
    assert sign_in(app.test_client(), password="a much longer secret").status_code == 200  # not changed


def test_guesses_sent_at_once_stay_within_the_limit(app, database_url, tmp_path):
    """Eight wrong sign-ins sent together to four gunicorn workers: each is counted before its password is checked,
    so no more than the limit of five are checked (counted after their checks, PostgreSQL had checked all eight)."""
    guesses = 8
    with serving(database_url, tmp_path / "gunicorn.log") as served:
        browsers = [Browser(served.address) for _ in range(guesses)]
        tokens = [csrf_token(browser.request("GET", "/sign-in")[2]) for browser in browsers]
        together, statuses = threading.Barrier(guesses), []

        def guess(browser, token):
            together.wait()
            form = {"email": "nobody@example.org", "password": "wrong", "csrf_token": token}
            statuses.append(browser.request("POST", "/sign-in", form)[0])

        threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    checked = statuses.count(200)  # claims made at the same moment may refuse each other: fewer, never more
    assert checked <= 5 and statuses.count(429) == guesses - checked
    assert [row.event for row in read(app, SignIn)] == ["failure"] * checked  # a refused guess is not logged
