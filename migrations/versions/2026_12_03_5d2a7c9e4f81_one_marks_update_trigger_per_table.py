"""PostgreSQL: one update trigger per table keeps its sort marks, pairing the rows before and after once, instead of
one per sorted column pairing them five times

Revision ID: 5d2a7c9e4f81
Revises: 8c2d4e6f1a30
Create Date: 2026-12-03 15:50:00.000000

"""
from alembic import op

from database import sort_marks
from database.backend import backend

# revision identifiers, used by Alembic.
revision = '5d2a7c9e4f81'
down_revision = '8c2d4e6f1a30'
branch_labels = None
depends_on = None


def upgrade():
    if backend(op.get_bind()).name == "postgresql":
        sort_marks.replace_postgresql_update_triggers(op.get_bind())


def downgrade():
    pass  # the one trigger keeps the marks exact, as the five did
