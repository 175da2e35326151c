"""SQLite: a bulk delete adjusts the kept counts and sort marks once per statement, not once per row

Revision ID: 5e8a1c3f7b20
Revises: 704bb1ebc0a2
Create Date: 2026-12-02 21:00:00.000000

"""
from alembic import op

from database import kept_counts, schema_extras, sort_marks
from database.backend import backend

# revision identifiers, used by Alembic.
revision = '5e8a1c3f7b20'
down_revision = '704bb1ebc0a2'
branch_labels = None
depends_on = None


def delete_triggers():
    """The SQLite delete triggers that stand aside during a bulk delete, as the current code makes them."""
    made = [*schema_extras.sqlite_create(), *kept_counts.sqlite_create()]
    made += [s for t, columns in sort_marks.MARKED.items() for c in columns
             for s in sort_marks.sqlite_triggers(t, c, sort_marks.marks_table(t, c))]
    return [s for s in made if s.startswith("CREATE TRIGGER") and "AFTER DELETE" in s and kept_counts.UNLESS_BULK in s]


def replace(connection, triggers):
    for statement in triggers:
        name = statement.removeprefix("CREATE TRIGGER IF NOT EXISTS ").split(" ", 1)[0]
        connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")
        connection.exec_driver_sql(statement)


def upgrade():
    if backend(op.get_bind()).name == "sqlite":
        op.get_bind().exec_driver_sql(kept_counts.BULK_TABLE)
        replace(op.get_bind(), delete_triggers())


def downgrade():
    if backend(op.get_bind()).name == "sqlite":
        replace(op.get_bind(), [s.replace(f" {kept_counts.UNLESS_BULK}", "") for s in delete_triggers()])
        op.get_bind().exec_driver_sql("DROP TABLE IF EXISTS bulk_delete")
