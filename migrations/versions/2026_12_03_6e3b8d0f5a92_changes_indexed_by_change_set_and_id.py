"""A change set's rows are indexed with their ids, so that the Changes page reads a bulk change's newest few rows
without sorting all of them

Revision ID: 6e3b8d0f5a92
Revises: 5d2a7c9e4f81
Create Date: 2026-12-03 15:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '6e3b8d0f5a92'
down_revision = '5d2a7c9e4f81'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_changes_change_set_id_id", "changes", ["change_set_id", "id"])
    op.drop_index("ix_changes_change_set_id", table_name="changes")


def downgrade():
    op.create_index("ix_changes_change_set_id", "changes", ["change_set_id"])
    op.drop_index("ix_changes_change_set_id_id", table_name="changes")
