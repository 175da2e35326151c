"""The history of an import's rows, written from the values Python holds: one INSERT of many rows, each row's
fields with the names of the related rows they point to (an advisor, a teacher, courses), as records.history keeps
them for a form's save."""

import json
from collections import defaultdict

from database.inserting import insert_rows
from models import Change, Course, User, db
from records import history
from records.imports import CHUNK

RELATED = {"advisor_id": User, "teacher_id": User, "course_ids": Course}


def related_labels(names, rows: list[dict]) -> dict:
    """The names of the related rows these rows' fields name: {model: {str(id): label}}."""
    wanted = defaultdict(set)
    for row in rows:
        for name in names:
            value = row.get(name)
            wanted[RELATED[name]] |= set(value) if isinstance(value, (list, set)) else {value} - {None}
    found = defaultdict(dict)
    for model, ids in wanted.items():
        ids = sorted(ids)
        for start in range(0, len(ids), CHUNK):
            query = db.select(model.id, history.label_of(model)).where(model.id.in_(ids[start:start + CHUNK]))
            found[model] |= {str(id): label for id, label in db.session.execute(query)}
    return found


def labels_of(fields: dict, labels: dict) -> dict:
    named = {}
    for name, values in fields.items():
        if name in RELATED:
            flat = values.values() if isinstance(values, dict) else values
            ids = {v for value in flat for v in (value if isinstance(value, list) else [value]) if v is not None}
            named[name] = {str(id): labels[RELATED[name]][str(id)] for id in ids if str(id) in labels[RELATED[name]]}
    return {name: value for name, value in named.items() if value}


def record_many(session, model, action: str, rows: list[dict]):
    """The history of creates or edits of many rows made by statements whose values Python holds (an import), in
    one INSERT of many rows: each row is {"row_id", "label", "version", "fields", "labels"}, `fields` and `labels`
    as record() keeps them. record_rows is the INSERT … SELECT for an edit that is the same for every row."""
    change_set_id, user_id = history.open_change_set(session), session.info[history.CHANGE_SET][1]
    insert_rows(session, Change, [{
        "change_set_id": change_set_id, "user_id": user_id, "table_name": model.__tablename__, "row_id": row["row_id"],
        "action": action, "label": row["label"], "version": row["version"],
        "data": json.dumps(row["fields"], default=str), "labels": json.dumps(row["labels"]),
    } for row in rows])
