"""Every row a list's query string matches, in the list's order, as the values of a file's columns: one
statement, streamed, so an export of a million rows holds one batch of them in memory at a time."""

from collections.abc import Iterator

from models import db

BATCH = 2000


def rows(listing, args, columns) -> Iterator[tuple]:
    """The values of `columns` (SQL expressions of the listing's model) for every row `args` leave, in order. Read
    on a connection of its own, which takes no write lock on SQLite (database.begin_sqlite_transaction), so a long
    export from a command holds up no one's saves."""
    statement = listing.matching_ids(args).with_only_columns(*columns, maintain_column_froms=True)
    with db.engine.connect().execution_options(reads_only=True, stream_results=True, yield_per=BATCH) as connection:
        for batch in connection.execute(statement).partitions():
            yield from batch
