"""PostgreSQL: the unique index of students' emails carries their ids (INCLUDE), so that a page of the list sorted
by email, reached by its number, skips rows in the index alone instead of reading each from the table

Revision ID: 8c2d4e6f1a30
Revises: 3a7f2c9d5e10
Create Date: 2026-12-03 11:40:00.000000

"""
from alembic import op

from database.backend import backend

# revision identifiers, used by Alembic.
revision = '8c2d4e6f1a30'
down_revision = '3a7f2c9d5e10'
branch_labels = None
depends_on = None


def replace(include: str):
    if backend(op.get_bind()).name == "postgresql":
        op.execute("ALTER TABLE students DROP CONSTRAINT uq_students_email, "
                   f"ADD CONSTRAINT uq_students_email UNIQUE (email){include}")


def upgrade():
    replace(" INCLUDE (id)")


def downgrade():
    replace("")
