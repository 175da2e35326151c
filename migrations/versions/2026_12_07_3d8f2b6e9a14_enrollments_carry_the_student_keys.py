"""Each enrollment carries a copy of its student's sort_name and GPA, kept by triggers, each indexed beside its course:
a course's students by name or GPA are one index range however few of the students take it

Revision ID: 3d8f2b6e9a14
Revises: 6c4d9e2a7f15
Create Date: 2026-12-07 07:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

from database import copied_keys, schema_extras

# revision identifiers, used by Alembic.
revision = '3d8f2b6e9a14'
down_revision = '6c4d9e2a7f15'
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    op.add_column('enrollments', sa.Column('student_sort_name', sa.String(length=200), nullable=True))
    op.add_column('enrollments', sa.Column('student_gpa', sa.Integer(), nullable=True))
    for key, copy in copied_keys.COPIES.items():
        bind.exec_driver_sql(f"UPDATE enrollments SET {copy} = "
                             f"(SELECT {key} FROM students WHERE students.id = enrollments.student_id)")
    op.create_index('ix_enrollments_course_id_student_sort_name', 'enrollments',
                    ['course_id', 'student_sort_name', 'student_id'], unique=False)
    op.create_index('ix_enrollments_course_id_student_gpa', 'enrollments',
                    ['course_id', 'student_gpa', 'student_id'], unique=False)
    op.drop_index('ix_enrollments_course_id', table_name='enrollments')
    schema_extras.create(bind)


def downgrade():
    bind = op.get_bind()
    for statement in copied_keys.STATEMENTS[schema_extras.backend(bind).name]["drop"]():
        bind.exec_driver_sql(statement)
    op.create_index('ix_enrollments_course_id', 'enrollments', ['course_id'], unique=False)
    op.drop_index('ix_enrollments_course_id_student_gpa', table_name='enrollments')
    op.drop_index('ix_enrollments_course_id_student_sort_name', table_name='enrollments')
    op.drop_column('enrollments', 'student_gpa')
    op.drop_column('enrollments', 'student_sort_name')
