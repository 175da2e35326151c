"""Saved view names unique ignoring case: a key of each name (casefolded) beside it, unique for its owner's list

Revision ID: b5d1f3a7c9e2
Revises: 8a4c2e6f1b37
Create Date: 2026-12-08 10:00:00.000000

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b5d1f3a7c9e2'
down_revision = '8a4c2e6f1b37'
branch_labels = None
depends_on = None

BATCH = 10_000
VIEW_NAME_MAX, VIEW_NAME_KEY_MAX = 80, 320
views = sa.table("saved_views", sa.column("id"), sa.column("owner_id"), sa.column("resource"), sa.column("name"),
                 sa.column("name_key"))


def name_key(name: str) -> str:
    """models.view_name_key as it is at this revision (a migration never imports the models)."""
    return unicodedata.normalize("NFKC", name or "").casefold()[:VIEW_NAME_KEY_MAX]


def upgrade():
    bind = op.get_bind()
    op.add_column('saved_views', sa.Column('name_key', sa.String(length=VIEW_NAME_KEY_MAX), server_default='',
                                           nullable=False))
    last = 0
    while batch := bind.execute(sa.select(views.c.id, views.c.name).where(views.c.id > last)
                                .order_by(views.c.id).limit(BATCH)).all():
        bind.execute(views.update().where(views.c.id == sa.bindparam("row_id")).values(name_key=sa.bindparam("key")),
                     [{"row_id": id, "key": name_key(name)} for id, name in batch])
        last = batch[-1].id
    rename_the_same_names(bind)
    # The new constraint first: on MariaDB the old one is the index of the owner's foreign key until then.
    with op.batch_alter_table('saved_views', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_saved_views_owner_id_resource_name_key',
                                          ['owner_id', 'resource', 'name_key'])
        batch_op.drop_constraint('uq_saved_views_owner_id', type_='unique')


def rename_the_same_names(bind):
    """Views of one owner's list whose names differ only in capitals were allowed: the oldest keeps its name, each
    other is numbered ("grade 3 (2)"), as its owner would have to name it now."""
    same = (sa.select(views.c.owner_id, views.c.resource, views.c.name_key)
            .group_by(views.c.owner_id, views.c.resource, views.c.name_key).having(sa.func.count() > 1))
    for owner_id, resource, key in bind.execute(same).all():
        of_list = (views.c.owner_id == owner_id) & (views.c.resource == resource)
        taken = set(bind.execute(sa.select(views.c.name_key).where(of_list)).scalars())
        _, *others = bind.execute(sa.select(views.c.id, views.c.name).where(of_list, views.c.name_key == key)
                                  .order_by(views.c.id)).all()
        for id, name in others:
            number = 2
            while name_key(renamed := f"{name[:VIEW_NAME_MAX - 6].rstrip()} ({number})") in taken:
                number += 1
            taken.add(name_key(renamed))
            bind.execute(views.update().where(views.c.id == id).values(name=renamed, name_key=name_key(renamed)))


def downgrade():
    with op.batch_alter_table('saved_views', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_saved_views_owner_id', ['owner_id', 'resource', 'name'])
        batch_op.drop_constraint('uq_saved_views_owner_id_resource_name_key', type_='unique')
        batch_op.drop_column('name_key')
