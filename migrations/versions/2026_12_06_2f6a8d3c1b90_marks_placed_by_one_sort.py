"""PostgreSQL: the marks' update trigger places the moved rows by one sort with the marks, not two index seeks per row

Revision ID: 2f6a8d3c1b90
Revises: 9e2c4a7b1d53
Create Date: 2026-12-06 09:50:00.000000

"""
from alembic import op

from database import sort_marks
from database.backend import backend

# revision identifiers, used by Alembic.
revision = '2f6a8d3c1b90'
down_revision = '9e2c4a7b1d53'
branch_labels = None
depends_on = None


def upgrade():
    if backend(op.get_bind()).name == "postgresql":
        sort_marks.replace_postgresql_update_triggers(op.get_bind())


def downgrade():
    pass  # either trigger keeps the marks exact
