"""Sort keys: a folded copy of each name and title, so lists sort ignoring case and accents on every backend

Revision ID: 7b3e5d1a9c40
Revises: dc286819d2c5
Create Date: 2026-12-02 05:10:00.000000

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

from database import schema_extras

# revision identifiers, used by Alembic.
revision = '7b3e5d1a9c40'
down_revision = 'dc286819d2c5'
branch_labels = None
depends_on = None

KEYS = (("users", "sort_name", "name"), ("students", "sort_name", "name"), ("courses", "sort_title", "title"))
BATCH = 10_000


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_students_name_search")  # the walk by name now walks sort_name
    for table, key, source in KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(key, sa.String(length=200), server_default='', nullable=False))
        fill(bind, table, key, source)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{source}_id')
            batch_op.create_index(f'ix_{table}_{key}_id', [key, 'id'], unique=False)
    schema_extras.create(bind)


def fold(text: str) -> str:
    """models.fold as it is at this revision (a migration never imports the models)."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def fill(bind, table, key, source):
    """The folded copy of every row's name, a batch at a time: SQL cannot fold accents. The sort key is never
    recorded in history (records/history.py), so this is not a change of the write path's."""
    last = 0
    rows = sa.table(table, sa.column("id"), sa.column(source), sa.column(key))
    while batch := bind.execute(sa.select(rows.c.id, rows.c[source]).where(rows.c.id > last)
                                .order_by(rows.c.id).limit(BATCH)).all():
        bind.execute(rows.update().where(rows.c.id == sa.bindparam("row_id")).values({key: sa.bindparam("key")}),
                     [{"row_id": id, "key": fold(text or "")[:200]} for id, text in batch])
        last = batch[-1][0]


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("DROP INDEX IF EXISTS ix_students_sort_name_search")
    for table, key, source in KEYS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f'ix_{table}_{key}_id')
            batch_op.create_index(f'ix_{table}_{source}_id', [source, 'id'], unique=False)
        if bind.dialect.name == "sqlite":  # in place: batch mode would copy the table and drop its triggers
            bind.exec_driver_sql(f"ALTER TABLE {table} DROP COLUMN {key}")
        else:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.drop_column(key)
    if bind.dialect.name == "sqlite":
        bind.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_students_name_search ON students (name, id, search_text)")
