"""Who may do what, and the headers that keep every response safe: sign-in, roles, CSP."""

import hmac
from functools import cache, wraps
import time
from urllib.parse import urlsplit, urlunsplit

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, current_user, login_user, logout_user
from sqlalchemy.orm import joinedload
from werkzeug.security import generate_password_hash

from models import ROLES, SavedView, User, db

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Sign in to see that page."
login_manager.login_message_category = "info"

# Reachable without signing in.
PUBLIC_ENDPOINTS = {"auth.login", "auth.setup", "static", "main.healthz"}

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'"
)


@login_manager.user_loader
def load_user(user_id: str):
    """The user whose session this is, while its token is current and the user active; with their preferences and
    the saved views they see (the header and the lists show them), in the same statement."""
    id, _, token = user_id.partition(":")
    options = [joinedload(User.preferences), joinedload(User.visible_views).joinedload(SavedView.owner)]
    user = db.session.get(User, int(id), options=options) if id.isdigit() else None
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def start_session(user):
    """A fresh session for `user`: nothing carried over from before signing in; it idles out, and ends anyway."""
    session.clear()
    session.permanent = True
    session["signed_in_at"] = int(time.time())
    login_user(user)


def require_sign_in():
    """Every page but sign-in, setup, health and static files needs a signed-in user, signed in recently enough."""
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if current_user.is_authenticated and time.time() - session.get("signed_in_at", 0) > lifetime_seconds():
        logout_user()
        session.clear()
        flash("You have been signed in for a long time: sign in again to go on.", "info")
        return redirect(url_for(login_manager.login_view, next=request.full_path.rstrip("?") if request.method == "GET" else None))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def lifetime_seconds() -> float:
    return current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()


def role_required(role: str):
    """Refuses, with a 403 page, users whose role is below `role`."""

    def decorator(view):
        @wraps(view)
        def checked(*args, **kwargs):
            if not current_user.at_least(role):
                may = " and ".join(f"{r}s" for r in ROLES[ROLES.index(role):])
                article = "an" if current_user.role[0] in "aeiou" else "a"
                abort(403, f"Only {may} may do this, and you are {article} {current_user.role}. Ask an admin if you need to.")
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
    if request.endpoint != "static":  # pages may show personal data: not kept for the back button after sign-out
        response.headers["Cache-Control"] = "no-store"
    return response


def relative_redirects(response):
    """Redirects stay on this site whatever the Host header said: Werkzeug's own (e.g. merging the slashes of
    /students//5) are absolute URLs built from it."""
    if response.location:
        parts = urlsplit(response.location)
        path = "/" + parts.path.lstrip("/")  # never //host, which a browser reads as another site
        response.location = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies are Secure whenever the request came over HTTPS, and are not re-sent with static files,
    which caches may keep."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure

    def should_set_cookie(self, app, session):
        return session.modified or (request.endpoint != "static" and super().should_set_cookie(app, session))


def is_safe_redirect(target: str | None) -> bool:
    """Only paths on this site: not //evil.example, not https://evil.example, not /\\evil.example."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    # Control characters: a line break cannot go in a Location header (a 500), and a browser drops tabs and line
    # breaks from a URL, so "/\t/evil.example" would lead to //evil.example.
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@cache
def dummy_password_hash() -> str:
    """Checked against when no account matches, so a wrong email costs what a wrong password costs."""
    return generate_password_hash("not a password", current_app.config["PASSWORD_HASH_METHOD"])
