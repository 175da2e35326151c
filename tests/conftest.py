import pytest
from sqlalchemy import event

from app import create_app
from models import Student, User, db


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'roster.db'}",
            "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast; the real default is scrypt
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        admin = User(name="Root Admin", email="root@example.org", role="admin")
        admin.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
        db.session.add(admin)
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


PASSWORD = "correct horse battery"


def signed_in(app, email):
    """A test client with a session for the user with this email, as signing in would leave it."""
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


@pytest.fixture
def client(app):
    """Signed in as an admin."""
    return signed_in(app, "root@example.org")


@pytest.fixture
def anonymous(app):
    return app.test_client()


@pytest.fixture
def client_as(app, add):
    """A client signed in as a new user with this role: client_as("viewer")."""

    def client_as(role):
        with app.app_context():
            user = User(name=f"A {role}", email=f"{role}@example.org", role=role)
            user.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
            db.session.commit()
        return signed_in(app, f"{role}@example.org")

    return client_as


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def add(app):
    """Adds rows, committed, and returns their ids: add(User, name="Ana", email="ana@example.org"),
    or in one transaction: add.many(User, [{...}, {...}])."""

    def add(model, **values):
        return add_many(model, [values])[0]

    def add_many(model, rows):
        defaults = {Student: {"grade": 5}}.get(model, {})
        with app.app_context():
            records = [model(**{**defaults, **values}) for values in rows]
            db.session.add_all(records)
            db.session.commit()
            return [getattr(record, "id", None) for record in records]

    add.many = add_many
    return add


@pytest.fixture
def people(add):
    """A few users and students with accents, other scripts and ties in sortable columns."""
    users = [
        add(User, name="Zoë Adams", email="zoe@example.org", age=34),
        add(User, name="Иван Петров", email="ivan@example.org", age=51),
        add(User, name="María José", email="maria@example.org", age=None),
        add(User, name="Omar 50%_off", email="omar@example.org", age=29),
    ]
    students = [
        add(Student, name="Ana Álvarez", email="ana@school.example", grade=3),
        add(Student, name="Bea Brown", email="bea@school.example", grade=3),
        add(Student, name="王小明", email="wang@school.example", grade=7),
    ]
    return users, students


@pytest.fixture
def count_statements(app):
    """A list that collects every SQL statement run while it is in use."""
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    yield statements
    event.remove(engine, "before_cursor_execute", record)


def read(app, model, **where):
    """The rows of `model` matching `where`, read straight from the database."""
    with app.app_context():
        return db.session.scalars(db.select(model).filter_by(**where)).all()
