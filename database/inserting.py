"""Inserting many rows whose values Python holds (an import's rows, their enrollments and history), in the caller's
transaction: by COPY on PostgreSQL, by INSERTs of many rows elsewhere.

PostgreSQL spent 9.4 s running the INSERTs of 100,000 imported students, 1,000 rows each, and the app 12 s more
binding their 1.3 million parameters; COPY streams the rows as text instead. Its statement triggers (the kept
counts, the sort marks) fire as they do for an INSERT.
"""

from sqlalchemy import select

from database.backend import backend

KEYS_AT_ONCE = 500  # keys in one IN (…) where a statement needs one parameter each


def insert_rows(session, model, rows: list[dict], key=None) -> dict:
    """INSERTs `rows` (dicts of the same columns) into `model`'s table, the columns they leave out taking their
    defaults; with `key`, a unique column, returns each new row's id by its value of it: {key value: id}."""
    if not rows:
        return {}
    if not backend(session.connection()).copy_from:
        if key is None:
            session.execute(model.__table__.insert(), rows)
            return {}
        # Ids by their key: RETURNING in the order of the rows would make SQLite insert them one by one.
        return dict(session.execute(model.__table__.insert().returning(key, model.id), rows).all())
    copy(session, model.__table__, rows)
    if key is None:
        return {}
    keys = [row[key.key] for row in rows]
    return {value: id for start in range(0, len(keys), KEYS_AT_ONCE)
            for value, id in session.execute(select(key, model.id).where(key.in_(keys[start:start + KEYS_AT_ONCE])))}


def copy(session, table, rows: list[dict]):
    """COPY … FROM STDIN of `rows`, with the values SQLAlchemy would bind: its defaults for the columns not given
    (a function's made for each row: every user gets a session token of their own), and each type's conversion,
    where it has one."""
    session.flush()  # rows the ORM holds (the change set) may be what these refer to
    connection = session.connection()
    dialect = connection.dialect
    given = list(rows[0])
    defaults = [c.default for c in table.columns if c.name not in given and c.default is not None
                and (c.default.is_scalar or c.default.is_callable)]
    columns = given + [default.column.name for default in defaults]
    convert = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]
    quote = dialect.identifier_preparer.quote
    statement = f"COPY {quote(table.name)} ({', '.join(map(quote, columns))}) FROM STDIN"
    with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as writing:
        for row in rows:
            values = [row[name] for name in given] + [d.arg(None) if d.is_callable else d.arg for d in defaults]
            writing.write_row([value if f is None or value is None else f(value) for f, value in zip(convert, values)])
