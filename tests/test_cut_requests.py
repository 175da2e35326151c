"""Requests the client stops sending half way, served as in production (gunicorn): nothing of them is saved."""

import socket
from urllib.parse import urlencode

import pytest

from helpers import read
from models import Student
from served import Browser, csrf_token, serving

BEATRICE = {"email": "bea@school.example", "grade": "3", "enrolled_on": "2024-09-01", "name": "Beatrice Longname"}


@pytest.fixture
def browser(app, database_url, tmp_path):
    with serving(database_url, tmp_path / "gunicorn.log", workers=1) as served:
        browser = Browser(served.address)
        browser.sign_in()
        browser.address = served.address
        yield browser
        browser.connection.close()


def send_cut_short(browser, path: str, body: bytes, sent: int) -> str:
    """Posts `body` with its whole length as Content-Length, sends only its first `sent` bytes, then stops sending
    (a browser whose connection dropped); the status line of the answer, if one came."""
    cookies = "; ".join(f"{name}={value}" for name, value in browser.cookies.items())
    head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode()
    with socket.create_connection(browser.address, timeout=15) as connection:
        connection.sendall(head + body[:sent])
        connection.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode()


@pytest.mark.backends("sqlite")  # how a body is read, whatever the database
def test_a_form_cut_short_mid_value_is_refused_not_saved_shorter(app, browser):
    _, _, page = browser.request("GET", "/students/new")
    body = urlencode({"csrf_token": csrf_token(page), **BEATRICE}).encode()
    answer = send_cut_short(browser, "/students/new", body, len(body) - 8)  # "Beatrice Lon" arrived, then nothing
    assert answer.startswith("HTTP/1.1 400")
    assert read(app, Student) == []
    _, _, page = browser.request("GET", "/students/new")
    status, _, _ = browser.request("POST", "/students/new", {"csrf_token": csrf_token(page), **BEATRICE})
    assert status == 302 and [student.name for student in read(app, Student)] == ["Beatrice Longname"]
