"""SQLite: the name index a search walks carries each student's advisor beside the text, so that a word naming an
advisor ("Roberts") is checked in the index instead of each row

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


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_students_sort_name_search")
        schema_extras.create(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_students_sort_name_search")
        bind.exec_driver_sql("CREATE INDEX ix_students_sort_name_search ON students (sort_name, id, search_text)")
