"""Every row a list's query string matches, in the list's order, as the values of a file's columns: one
statement, streamed, so an export of a million rows holds a few batches of them in memory at a time.

The statement is read by a thread of its own, a batch or two ahead of the file being written: the database (a
server's process, or SQLite's code, which lets go of Python's lock while it runs) finds the next rows while Python
turns the last ones into CSV, so an export takes about the longer of the two instead of their sum."""

import threading
from contextlib import closing
from collections.abc import Iterator
from queue import Full, Queue

from models import db

BATCH = 2000
AHEAD = 2  # batches read and waiting
WAIT_SECONDS = 0.5  # how often the reading thread, waiting for room, checks that it is still wanted


def rows(listing, args, columns) -> Iterator[tuple]:
    """The values of `columns` (SQL expressions of the listing's model) for every row `args` leave, in order. Read
    on a connection of its own, which takes no write lock on SQLite (database.begin_sqlite_transaction), so a long
    export from a command holds up no one's saves."""
    statement = listing.matching_ids(args).with_only_columns(*columns, maintain_column_froms=True)
    engine = db.engine

    def batches():
        with engine.connect().execution_options(reads_only=True, stream_results=True, yield_per=BATCH) as connection:
            yield from connection.execute(statement).partitions()

    for batch in read_ahead(batches):
        yield from batch


class _End:
    def __init__(self, error: BaseException | None = None):
        self.error = error


def read_ahead(make: callable) -> Iterator:
    """What the generator `make()` yields, made by another thread up to AHEAD items ahead. When the reader stops
    early (a download given up), that thread stops too and closes what it was reading; its error is the reader's."""
    ready, stopped = Queue(AHEAD), threading.Event()

    def hand_over(item) -> bool:
        while not stopped.is_set():
            try:
                ready.put(item, timeout=WAIT_SECONDS)
                return True
            except Full:
                continue
        return False

    def work():
        try:
            with closing(make()) as items:  # closed at once when the reader stops: its connection goes back
                for item in items:
                    if not hand_over(item):
                        return
        except BaseException as error:  # the reader raises it
            hand_over(_End(error))
        else:
            hand_over(_End())

    worker = threading.Thread(target=work, name="export-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = ready.get()  # the thread hands over an _End however it ends
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stopped.set()
        worker.join()
