"""Who may do what, and the headers that keep every response safe: sign-in, roles, limits, CSP."""

import hmac
from functools import cache, wraps
from urllib.parse import urlsplit

from flask import abort, current_app, request
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from werkzeug.security import generate_password_hash

from models import User, db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"

limiter = Limiter(get_remote_address)

# Reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.setup", "static", "main.healthz"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


@login_manager.user_loader
def load_user(user_id: str):
    """The user whose session this is, while its token is current and the user active."""
    id, _, token = user_id.partition(":")
    user = db.session.get(User, int(id)) if id.isdigit() else None
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def require_sign_in():
    """Every page but sign-in, setup, health and static files needs a signed-in user."""
    if request.endpoint not in PUBLIC_ENDPOINTS and request.endpoint is not None and not current_user.is_authenticated:
        return login_manager.unauthorized()


def role_required(role: str):
    """Refuses, with a 403 page, users whose role is below `role`."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.at_least(role):
                abort(403, f"Your role ({current_user.role}) may not do this; ask an admin.")
            return view(*args, **kwargs)

        return checked

    return decorator


def add_security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def is_safe_redirect(target: str | None) -> bool:
    """Only paths on this site: not //evil.example, not https://evil.example, not /\\evil.example."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@cache
def dummy_password_hash() -> str:
    """Checked against when no account matches, so a wrong email costs what a wrong password costs."""
    return generate_password_hash("not a password", current_app.config["PASSWORD_HASH_METHOD"])


def sign_in_limit() -> str:
    return current_app.config["SIGN_IN_LIMIT"]


def submitted_email() -> str:
    return "email:" + request.form.get("email", "").strip().lower()[:254]


def failed_sign_in(response) -> bool:
    """Only a sign-in that did not succeed counts against the limits; success redirects (302, or 303 from Flask 3.2)."""
    return not 300 <= response.status_code < 400
