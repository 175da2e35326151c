"""SQLite: the name and email indexes a search walks carry each student's advisor beside the text, so that a word
naming an advisor ("Roberts") is checked in the index instead of each row's

Revision ID: 9e2c4a7b1d53
Revises: 4b9e1d7a2c60
Create Date: 2026-12-06 04:25:00.000000

"""
from alembic import op

from database import schema_extras

# revision identifiers, used by Alembic.
revision = '9e2c4a7b1d53'
down_revision = '4b9e1d7a2c60'
branch_labels = None
depends_on = None

COLUMNS = ("sort_name", "email")


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for column in COLUMNS:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS ix_students_{column}_search")
        schema_extras.create(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for column in COLUMNS:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS ix_students_{column}_search")
            bind.exec_driver_sql(f"CREATE INDEX ix_students_{column}_search ON students ({column}, id, search_text)")
