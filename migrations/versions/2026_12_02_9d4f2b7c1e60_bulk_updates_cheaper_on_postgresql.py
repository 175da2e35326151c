"""PostgreSQL: marks follow an update per statement, not per row; students' pages keep room for updated rows

Revision ID: 9d4f2b7c1e60
Revises: 7c1e5a9b3d40
Create Date: 2026-12-02 11:00:00.000000

"""
from alembic import op

from database import sort_marks
from database.backend import backend

# revision identifiers, used by Alembic.
revision = '9d4f2b7c1e60'
down_revision = '7c1e5a9b3d40'
branch_labels = None
depends_on = None


def upgrade():
    if backend(op.get_bind()).name != "postgresql":
        return
    sort_marks.replace_postgresql_update_triggers(op.get_bind())
    # A tenth of each page left free: an update that changes no indexed column (a bulk enrollment bumps each
    # student's version) then stays on its page and writes no index entry (a HOT update). New pages only; existing
    # ones keep theirs until a VACUUM FULL.
    op.get_bind().exec_driver_sql("ALTER TABLE students SET (fillfactor = 90)")


def downgrade():
    if backend(op.get_bind()).name == "postgresql":
        op.get_bind().exec_driver_sql("ALTER TABLE students RESET (fillfactor)")
    # The statement triggers stay: they keep the marks exact just as the row triggers did.
