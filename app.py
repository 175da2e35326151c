"""The application factory: `flask --app app run`, `gunicorn 'app:create_app()'`."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import Flask, current_app, g, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError, ServiceUnavailable
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

import cli
import database
import formatting
import records.guard
import security
import transfer_commands
from database.backend import unavailable
from models import ID_MAX, db
from views import account, auth, changes, courses, main, saved_views, search, students, uploads, users

csrf = CSRFProtect()

ERROR_CODES = (400, 403, 404, 405, 413, 500, 503)
# Fields a 503 page does not send back to the browser in its form to try again: passwords are typed again.
UNKEPT_FIELDS = frozenset({"password", "confirm", "current_password", "new_password"})
RETRY_AFTER_SECONDS = 5  # a 503's: a restarting database server is back, or another writer done, in seconds


def create_app(test_config=None):
    app = Flask(__name__, instance_relative_config=True)
    app.request_class = uploads.UploadRequest
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(
        PRODUCTION=os.environ.get("ROSTER_ENV") == "production",
        SECRET_KEY=os.environ.get("SECRET_KEY"),
        SQLALCHEMY_DATABASE_URI=os.environ.get("DATABASE_URL")
        or f"sqlite:///{Path(app.instance_path) / 'roster.db'}",
        MAX_CONTENT_LENGTH=1024 * 1024,
        # An import's upload may be this long; every other request keeps MAX_CONTENT_LENGTH (views/uploads.py).
        IMPORT_MAX_BYTES=20 * 1024 * 1024,
        TRUSTED_HOSTS=[host.strip() for host in os.environ["TRUSTED_HOSTS"].split(",")]
        if os.environ.get("TRUSTED_HOSTS")
        else None,
        # How many reverse proxies in front of the app set X-Forwarded-For and -Proto: none unless told.
        TRUSTED_PROXIES=int(os.environ.get("TRUSTED_PROXIES", 0)),
        # A session ends after this long without a request (Flask re-signs the cookie on each one), and this long
        # after signing in whatever happens.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 8 * 60))),
        SESSION_ABSOLUTE_LIFETIME=timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", 24))),
        # A form's CSRF token is good for as long as its session (Flask-WTF's default is an hour): an edit form left
        # open over lunch still saves, instead of a 400 that loses its typing. The session's limits above stand.
        WTF_CSRF_TIME_LIMIT=None,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SAMESITE="Lax",
        PASSWORD_HASH_METHOD="scrypt",
        # Failed sign-ins allowed in a window of seconds, per known browser, or per address and per account for
        # the rest (sign_in_limits.py); the log of attempts keeps SIGN_IN_LOG_DAYS.
        SIGN_IN_LIMIT=int(os.environ.get("SIGN_IN_LIMIT", 5)),
        SIGN_IN_WINDOW=int(os.environ.get("SIGN_IN_WINDOW", 60)),
        SIGN_IN_LOG_DAYS=90,
        # Lists count matches up to here, then say "more than"; a search matching up to LIST_INDEX_THEN_SORT rows
        # has their ids listed by its count, and the page sorts those (listing/__init__.py, Listing.page).
        LIST_COUNT_CAP=10_000,
        LIST_INDEX_THEN_SORT=1_000,
        # Printed lists (a class list, a filtered list of students) hold every row up to this many; the school's
        # name heads every printed page; times are shown in the school's time zone (an IANA name).
        PRINT_LIMIT=2_000,
        SCHOOL_NAME=os.environ.get("SCHOOL_NAME", "Roster"),
        TIME_ZONE=os.environ.get("TIME_ZONE", "UTC"),
        # Refuse changes to records made around the write path (records/guard.py): on in the tests.
        RECORDS_GUARD=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"]:
        if app.config["PRODUCTION"]:
            raise RuntimeError("In production, set SECRET_KEY in the environment (e.g. python -c 'import secrets; print(secrets.token_hex(32))').")
        app.config["SECRET_KEY"] = instance_secret_key(Path(app.instance_path))
    if app.config["PRODUCTION"] and len(app.config["SECRET_KEY"]) < 32:
        raise RuntimeError("In production, SECRET_KEY must be a random string of at least 32 characters.")
    if app.config["PRODUCTION"] and not app.config["TRUSTED_HOSTS"]:
        raise RuntimeError(
            "In production, set TRUSTED_HOSTS to the host names people reach Roster by, separated by commas "
            "(e.g. TRUSTED_HOSTS=roster.example.edu); make serve passes 127.0.0.1,localhost unless told otherwise."
        )
    try:
        ZoneInfo(app.config["TIME_ZONE"])
    except (ValueError, ZoneInfoNotFoundError):
        raise RuntimeError(f"TIME_ZONE={app.config['TIME_ZONE']!r} is not a time zone: give a name such as Europe/London.") from None
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_filters(app)
    cli.register_commands(app)
    transfer_commands.register_commands(app)
    return app


def instance_secret_key(instance: Path) -> str:
    """A random key made on first start and kept in instance/, so sessions survive restarts."""
    path = instance / "secret_key"
    if not path.exists():
        draft = instance / f"secret_key.{os.getpid()}"
        draft.touch(mode=0o600)
        draft.write_text(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic: of several workers starting at once, one key wins
        except FileExistsError:
            pass
        draft.unlink()
    return path.read_text().strip()


def register_extensions(app):
    database.init_app(app)
    csrf.init_app(app)
    security.login_manager.init_app(app)
    records.guard.init_app(app)
    app.session_interface = security.SessionInterface()
    app.before_request(security.require_sign_in)
    app.after_request(security.add_security_headers)
    app.after_request(security.relative_redirects)


class RowIdConverter(IntegerConverter):
    """<int:id> in every route: an id past models.ID_MAX names no row, so the URL matches nothing (a 404)."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, *args, **{"max": ID_MAX, **kwargs})


def register_blueprints(app):
    app.url_map.converters["int"] = RowIdConverter
    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(students.bp)
    app.register_blueprint(courses.bp)
    app.register_blueprint(changes.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(saved_views.bp)
    app.register_blueprint(account.bp)


def register_errorhandlers(app):
    def render_error(error: HTTPException):
        if error.code >= 500:
            db.session.rollback()
        if isinstance(error, SecurityError):  # an untrusted Host header: no URLs can be built for the layout
            return error.get_response()
        if isinstance(error, CSRFError):  # Flask-WTF's "The CSRF tokens do not match.", in the office's words
            error.description = ("This form was opened before you last signed in, or on another site, so it was not "
                                 "sent: nothing was saved. Go back, reload the page, and enter it again.")
        if error.code == 404:
            try:
                if page := changes.explain_deleted():  # a record's page, after someone deleted the record
                    return page
            except SQLAlchemyError:
                db.session.rollback()
        try:
            # The layout shows the signed-in user: load them here, or again when the rollback above expired them (a
            # save failed as the database went down), so a database that is down fails here, not half way through
            # rendering the page (which would leave the bare page of the server instead of ours).
            if current_user.is_authenticated:
                current_user.name
        except SQLAlchemyError:  # the database is down: the page says so with a signed-out header
            db.session.rollback()
            # Flask-Login has no public way to make this request signed out without touching the session.
            security.login_manager._update_request_context_with_user(None)
        own_page = getattr(app.view_functions.get(request.endpoint), "too_large", None)
        if error.code == 413 and own_page and current_user.is_authenticated:
            try:
                return own_page()
            except HTTPException as refused:  # a role that may not import
                return render_error(refused)
        if error.code != 503:
            return render_template("error.html", error=error), error.code
        kept, retype = kept_fields()
        return render_template("error.html", error=error, kept=kept, retype=retype), 503, {
            "Retry-After": str(RETRY_AFTER_SECONDS)}

    def database_unavailable(error: SQLAlchemyError):
        """A database that is down, busy or full answers a 503 page that keeps what was posted, to send again; any
        other database error is a bug, and a 500."""
        if not unavailable(error):
            raise error
        app.log_exception((type(error), error, error.__traceback__))
        return render_error(ServiceUnavailable())

    for code in ERROR_CODES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(SQLAlchemyError, database_unavailable)


def kept_fields() -> tuple[list[tuple[str, str]] | None, bool]:
    """The fields a post that failed sent, for its error page to send again (None for a GET), and whether passwords
    were among them, left out."""
    if request.method != "POST":
        return None, False
    try:
        posted = list(request.form.items(multi=True))
    except HTTPException:  # a body too large or unreadable: nothing to keep
        return [], False
    kept = [(name, value) for name, value in posted if name not in UNKEPT_FIELDS]
    if g.get("csrf_valid"):
        # The post passed the CSRF check: Try again sends a token of now. The one posted dates from when its form
        # was opened, and may expire (where WTF_CSRF_TIME_LIMIT sets a limit) before the database is back.
        # A post that did not pass keeps what it sent: a page of ours never makes a cross-site post's fields valid.
        token = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
        kept = [(name, value) for name, value in kept if name != token] + [(token, generate_csrf())]
    return kept, any(name in UNKEPT_FIELDS for name, _ in posted)


def register_filters(app):
    app.jinja_env.filters.update(formatting.FILTERS)
    app.jinja_env.globals["now"] = formatting.now
