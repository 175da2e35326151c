"""The migrations in migrations/ build exactly the schema models.py describes, on every backend."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from models import db


def differences(app) -> list:
    """What `flask db migrate` would write into a new migration: nothing, when the migrations are complete."""
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names())


def test_migrations_build_the_schema_of_the_models(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
    assert tables(app) == set(db.metadata.tables) | {"alembic_version"}
    assert differences(app) == []


def test_migrations_go_down_and_up_again(make_app):
    app = make_app()
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert tables(app) == {"alembic_version"}
        upgrade()
    assert differences(app) == []


def test_models_with_a_change_no_migration_has_are_found(make_app):
    """The check above can fail: a column the migrations lack shows up as a difference."""
    app = make_app()
    with app.app_context():
        upgrade()
        db.session.execute(db.text("ALTER TABLE students DROP COLUMN birthday"))
        db.session.commit()
    [(change, _, table, column)] = differences(app)
    assert (change, table, column.name) == ("add_column", "students", "birthday")
