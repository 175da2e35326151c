"""Folds of the Latin letters Unicode does not decompose: "Łukasz" is found by "lukasz" and sorts among the L's

models.fold now folds Ł Ø Đ Ħ ı Æ Œ Þ (and the other letters of models.UNDECOMPOSED_LETTERS) to their base letters.
The search text and sort keys of the rows that hold one are made again; every other row's are the same as before.

Revision ID: 8a4c2e6f1b37
Revises: 3d8f2b6e9a14
Create Date: 2026-12-08 09:00:00.000000

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8a4c2e6f1b37'
down_revision = '3d8f2b6e9a14'
branch_labels = None
depends_on = None

# Each table's search fields and its sort key's source, as models.py says at this revision.
TABLES = {"users": (("name", "email"), "sort_name", "name"), "students": (("name", "email"), "sort_name", "name"),
          "courses": (("code", "title"), "sort_title", "title")}
LETTERS = {"a": "ⱥ", "b": "ƀɓƃ", "c": "ƈȼ", "d": "đðɗɖƌȡ", "e": "ɇɛ", "f": "ƒ", "g": "ɠǥ", "h": "ħ", "i": "ıɨ", "j": "ɉȷ",
           "k": "ƙ", "l": "łƚȴ", "n": "ɲƞȵ", "o": "øɵɔ", "p": "ƥ", "r": "ɍ", "t": "ŧƭʈȶⱦ", "u": "ʉ", "v": "ʋ",
           "y": "ƴɏ", "z": "ƶȥ", "ae": "æ", "oe": "œ", "th": "þ", "ng": "ŋ"}
UNDECOMPOSED = str.maketrans({letter: base for base, letters in LETTERS.items() for letter in letters})
BATCH = 10_000
SORT_KEY_MAX = 200


def old_fold(text: str) -> str:
    """models.fold as it was before this revision (a migration never imports the models)."""
    if text.isascii():
        return text.casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def new_fold(text: str) -> str:
    """models.fold as it is at this revision."""
    return old_fold(text).translate(UNDECOMPOSED)


def upgrade():
    # The old folds of these rows hold one of the letters (fold casefolds, so in lower case): LIKE finds them,
    # as exact on every backend for letters outside ASCII. Every other row's folds are the same either way.
    letters = [letter for letters in LETTERS.values() for letter in letters]
    refold(op.get_bind(), new_fold, lambda rows: sa.or_(*(rows.c.search_text.like(f"%{c}%") for c in letters)))


def downgrade():
    # The new folds no longer say which rows held such a letter (ł is l now): every row is folded again.
    refold(op.get_bind(), old_fold, lambda rows: sa.true())


def refold(bind, fold, where):
    """The search text and sort key of the rows `where` picks, folded by `fold`, a batch at a time (SQL cannot fold
    accents). An UPDATE of these columns fires the triggers that keep SQLite's search index, the sort marks and the
    enrollments' copies of a student's sort key. They are never recorded in history (records/history.py), so this
    is not a change of the write path's."""
    for table, (fields, key, source) in TABLES.items():
        rows = sa.table(table, sa.column("id"), sa.column("search_text"), sa.column(key), *map(sa.column, fields))
        update = rows.update().where(rows.c.id == sa.bindparam("row_id"))
        update = update.values(search_text=sa.bindparam("text"), **{key: sa.bindparam("key")})
        last = 0
        while batch := bind.execute(sa.select(rows.c.id, *(rows.c[field] for field in fields))
                                    .where(rows.c.id > last, where(rows)).order_by(rows.c.id).limit(BATCH)).all():
            bind.execute(update, [{"row_id": row.id, "text": fold(" ".join(row._mapping[f] or "" for f in fields)),
                                   "key": fold(row._mapping[source] or "")[:SORT_KEY_MAX]} for row in batch])
            last = batch[-1].id
