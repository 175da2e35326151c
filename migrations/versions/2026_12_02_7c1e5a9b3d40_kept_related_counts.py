"""Counts of related rows and marks along each sort order, kept by triggers; a user's advisees indexed by name

Revision ID: 7c1e5a9b3d40
Revises: 7b3e9f10a2c4
Create Date: 2026-12-02 05:10:00.000000

"""
from alembic import op

from database import kept_counts, sort_marks
from database.backend import backend

# revision identifiers, used by Alembic.
revision = '7c1e5a9b3d40'
down_revision = '7b3e9f10a2c4'
branch_labels = None
depends_on = None


def upgrade():
    # The new index first: MariaDB's foreign key on advisor_id needs an index that starts with it at every moment.
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index('ix_students_advisor_id_name_id', ['advisor_id', 'name', 'id'], unique=False)
        batch_op.drop_index('ix_students_advisor_id')
    for statement in kept_counts.STATEMENTS[backend(op.get_bind()).name]["create"]():
        op.get_bind().exec_driver_sql(statement)
    sort_marks.STATEMENTS[backend(op.get_bind()).name]["create"](op.get_bind())


def downgrade():
    sort_marks.STATEMENTS[backend(op.get_bind()).name]["drop"](op.get_bind())
    for statement in kept_counts.STATEMENTS[backend(op.get_bind()).name]["drop"]():
        op.get_bind().exec_driver_sql(statement)
    with op.batch_alter_table('students', schema=None) as batch_op:
        batch_op.create_index('ix_students_advisor_id', ['advisor_id'], unique=False)
        batch_op.drop_index('ix_students_advisor_id_name_id')
