"""PostgreSQL: the students' name index carries each one's search text and advisor (INCLUDE), so that a search
matching many rows walks the name order in the index alone, as SQLite's covering index lets it

Revision ID: 7c1f3b9d2e48
Revises: 9e2c4a7b1d53
Create Date: 2026-12-06 06:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c1f3b9d2e48'
down_revision = '9e2c4a7b1d53'
branch_labels = None
depends_on = None


def replace(include: str):
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_students_sort_name_id")
        op.execute(f"CREATE INDEX ix_students_sort_name_id ON students (sort_name, id){include}")


def upgrade():
    replace(" INCLUDE (search_text, advisor_id)")


def downgrade():
    replace("")
