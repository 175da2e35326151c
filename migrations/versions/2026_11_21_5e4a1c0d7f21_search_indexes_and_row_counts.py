"""Search indexes and exact row counts, kept by triggers

Revision ID: 5e4a1c0d7f21
Revises: ab7bf512a2ff
Create Date: 2026-11-21 09:50:00.000000

"""
from alembic import op

from database import schema_extras

# revision identifiers, used by Alembic.
revision = '5e4a1c0d7f21'
down_revision = 'ab7bf512a2ff'
branch_labels = None
depends_on = None


def upgrade():
    # Not in the models: a FTS5 table and triggers (SQLite), a pg_trgm index and triggers (PostgreSQL), triggers
    # (MariaDB). schema_extras builds them for db.create_all() too, so tests and migrated databases agree.
    schema_extras.create(op.get_bind())


def downgrade():
    schema_extras.drop(op.get_bind())
