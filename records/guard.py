"""Refuses changes to the records' tables made around the write path, so nothing can bypass it unnoticed.

On with RECORDS_GUARD (the tests turn it on), in requests and commands; tests set up their rows directly.
"""

import click
from flask import current_app, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Course, Enrollment, Student, User
from records import WRITING

GUARDED = (User, Student, Course, Enrollment)
GUARDED_TABLES = {model.__tablename__ for model in GUARDED}


class WriteOutsideWritePath(RuntimeError):
    pass


def init_app(app):
    if app.config["RECORDS_GUARD"] and not event.contains(Session, "before_flush", refuse_flush):
        event.listen(Session, "before_flush", refuse_flush)
        event.listen(Session, "do_orm_execute", refuse_statement)


def guarding(session) -> bool:
    if session.info.get(WRITING):
        return False
    in_use = has_request_context() or click.get_current_context(silent=True) is not None
    return in_use and current_app.config["RECORDS_GUARD"]


def refuse_flush(session, flush_context, instances):
    changed = [*session.new, *session.deleted, *(obj for obj in session.dirty if session.is_modified(obj))]
    touched = [obj for obj in changed if isinstance(obj, GUARDED)]
    if touched and guarding(session):
        raise WriteOutsideWritePath(f"{touched[0]!r} changed outside the write path (records.change)")


def refuse_statement(state):
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and state.statement.table.name in GUARDED_TABLES and guarding(state.session):
        raise WriteOutsideWritePath(f"{state.statement} ran outside the write path (records.change)")
