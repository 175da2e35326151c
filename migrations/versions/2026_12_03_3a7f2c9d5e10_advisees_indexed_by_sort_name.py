"""A user's advisees indexed by the folded name they are listed in: the advisor filter's page and a user's first
advisees read the index in order instead of sorting every advisee

Revision ID: 3a7f2c9d5e10
Revises: 5e8a1c3f7b20
Create Date: 2026-12-03 11:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3a7f2c9d5e10'
down_revision = '5e8a1c3f7b20'
branch_labels = None
depends_on = None


def upgrade():
    # The new index first: MariaDB's foreign key on advisor_id needs an index that starts with it at every moment.
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index('ix_students_advisor_id_sort_name_id', ['advisor_id', 'sort_name', 'id'], unique=False)
        batch_op.drop_index('ix_students_advisor_id_name_id')


def downgrade():
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index('ix_students_advisor_id_name_id', ['advisor_id', 'name', 'id'], unique=False)
        batch_op.drop_index('ix_students_advisor_id_sort_name_id')
