"""A summary on each change set, for what a bulk change did

Revision ID: 4b7e2a9c1d30
Revises: 7b3e5d1a9c40
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4b7e2a9c1d30'
down_revision = '7b3e5d1a9c40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('change_sets', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('change_sets', schema=None) as batch_op:
        batch_op.drop_column('summary')
