"""The sort marks' triggers find a row's mark by two seeks (its value's marks, then a lower value's), not one row
comparison that SQLite stepped along the marks of the same value

Revision ID: 6c4d9e2a7f15
Revises: 2f6a8d3c1b90
Create Date: 2026-12-06 11:20:00.000000

"""
from alembic import op

from database import sort_marks

# revision identifiers, used by Alembic.
revision = '6c4d9e2a7f15'
down_revision = '2f6a8d3c1b90'
branch_labels = None
depends_on = None


def upgrade():
    sort_marks.replace_triggers(op.get_bind())


def downgrade():
    pass  # either way of finding a mark keeps the marks exact
