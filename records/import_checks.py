"""The preview of an import: every row checked as the form checks it, and compared with what is saved.

Writes nothing. Each row is validated by the form people fill in (built once, filled again for each row), so a
row's error is the form's own message; what the form would ask the database row by row (is this email taken, does
this advisor exist) is asked once for the whole file. A row whose key is saved already is an update of that row
(its fields not in the file keep their values); others are new (their fields not in the file, or blank in it, the
form's defaults).
"""

from collections.abc import Callable

from werkzeug.datastructures import MultiDict

from models import Enrollment, User, db
from spreadsheets import dates
from spreadsheets.cells import cell_value
from spreadsheets.columns import natural_key
from records.imports import (CHUNK, Importer, Plan, Problem, Update, as_formdata, enrollment_date_problem,
                             existing, form_for_rows, lookup, mapping_problems, normal_key, related_keys,
                             required_problems)

Progress = Callable[[int], None]  # told how many more rows were checked


def plan(importer: Importer, table, mapping: list[str | None], progress: Progress = lambda n: None,
         me: int | None = None) -> Plan:
    """What importing `table` with `mapping` would do, and every problem found, in row order. `me` is the id of
    the user importing (None from a shell): an import may not take away their own role or sign them out."""
    result = Plan(rows=len(table.rows))
    result.problems = mapping_problems(table.header, mapping, importer)
    if not result.problems:
        (check_rows if importer.form else check_enrollments)(importer, table, mapping, result, progress)
    if importer.model is User:
        result.problems += own_account_problems(result, me) + last_admin_problems(result)
    order = {c.header: i for i, c in enumerate(importer.columns)}
    result.problems.sort(key=lambda p: (p.row or 0, order.get(p.column, len(order))))
    return result


def cells(table, mapping, importer: Importer):
    """Each row as (its number, {field: cell}) for the mapped columns."""
    mapped = [(i, name) for i, name in enumerate(mapping) if name]
    for number, row in table.rows:
        yield number, {name: row[i] if i < len(row) else "" for i, name in mapped}


def first_of_each(importer: Importer, rows, result: Plan) -> list:
    """Rows whose key is in the file once, or the first time; a later row with the same key is a problem."""
    key, seen, kept = importer.key, {}, []
    for number, values in rows:
        value = normal_key(importer.model, values.get(key.name, ""))
        if value and value in seen:
            result.problems.append(Problem(number, key.header, f"Row {seen[value]} has this {key.header.lower()} "
                                                               f"too: each {importer.noun} may be in the file once."))
            continue
        seen.setdefault(value, number)
        kept.append((number, value, values))
    return kept


def related_rows(importer: Importer, rows) -> dict:
    """Each related column's rows named in the file, by natural key: {field: {key: (id, label)}}."""
    found = {}
    for column in importer.columns:
        if column.related is not None:
            keys = {k for _, _, values in rows for k in related_keys(values.get(column.name, ""), column)}
            found[column.name] = lookup(column.related, keys) if keys else {}
    return found


def check_rows(importer: Importer, table, mapping, result: Plan, progress: Progress):
    rows = first_of_each(importer, list(cells(table, mapping, importer)), result)
    fields = [c.name for c in importer.columns]
    saved = existing(importer.model, importer.key.sql, [key for _, key, _ in rows if key], fields)
    if any(key not in saved for _, key, _ in rows) and (missing := required_problems(mapping, importer)):
        result.problems += missing
        return
    related = related_rows(importer, rows)
    form = form_for_rows(importer)
    defaults = {bound.name: as_formdata(bound.default() if callable(bound.default) else bound.default)
                for bound in form}
    mapped = [name for name in mapping if name]
    headers = {c.name: c.header for c in importer.columns}
    # A choice as a person writes it in a sheet ("Editor", "ADMIN "), by the value it stands for.
    choices = {name: {str(choice.value).casefold(): str(choice.value) for choice in form[name].iter_choices()}
               for name in mapped if importer.column(name).kind == "choice"}
    dated = [name for name in mapped if importer.column(name).kind == "date"]
    order = dates.order_of(values[name] for _, _, values in rows for name in dated)
    for done, (number, key, values) in enumerate(rows, 1):
        if done % 1000 == 0:
            progress(1000)
        before = saved.get(key)
        formdata = MultiDict()
        for name in fields:
            for value in (defaults.get(name, []) if before is None else as_formdata(before.get(name))):
                formdata.add(name, value)
        problems = []
        for name in mapped:
            if before is None and not values[name].strip() and defaults.get(name):
                continue  # a new row's blank cell is the form's default (active, viewer, today), as a column left out
            column = importer.column(name)
            text, problem = cell_value(values[name], column, table.workbook)
            if problem is None and column.kind == "date":
                text, problem = dates.as_iso(text, order)
            if problem is None and name in choices and text.strip():
                if text.strip().casefold() in choices[name]:
                    text = choices[name][text.strip().casefold()]
                else:
                    problem = f"Write one of: {', '.join(choices[name].values())}."
            if problem is None and column.related is not None:
                named = related_keys(text, column)
                unknown = [k for k in named if k not in related[name]]
                if unknown:
                    problem = (f"No {column.related.__name__.lower()} has the {natural_key(column.related).key} "
                               f"“{unknown[0]}”.")
                text = [related[name][k][0] for k in named if k in related[name]]
            if problem:
                problems.append(Problem(number, column.header, problem))
            formdata.setlist(name, as_formdata(text) if isinstance(text, list) else [text])
        form.process(formdata)
        if not form.validate():
            said = {problem.column for problem in problems}  # one message a cell, as the form gives one a field
            problems += [Problem(number, headers.get(name, name), errors[0]) for name, errors in form.errors.items()
                         if headers.get(name, name) not in said]
        if problems:
            result.problems += problems
            continue
        after = {name: form[name].data for name in fields}
        lost = [name for name in mapped if before is not None and letters_lost(before[name], after[name])]
        problems = [Problem(number, headers[name], f"The file has “?” in place of letters of “{before[name]}”: it "
                            "was saved in an encoding without them. Save it as “CSV UTF-8” and upload it again.")
                    for name in lost]
        if problems:
            result.problems += problems
            continue
        if before is None:
            result.new.append((number, after))
            continue
        changed = {name: (before.get(name), after[name]) for name in mapped if not same(before.get(name), after[name])}
        if changed:
            label = str(after.get("name") or after.get("code"))
            result.updates.append(Update(before["id"], before["version"], number, label, changed, after))
        else:
            result.unchanged += 1
    progress(len(rows) % 1000)


def letters_lost(before, after) -> bool:
    """Whether the file has a saved text with "?" for some of its letters and is otherwise the same: what Excel's
    "CSV (Comma delimited)" writes for every letter its encoding lacks (Dương, Ефим), which would rename the row."""
    if not isinstance(before, str) or not isinstance(after, str) or len(before) != len(after):
        return False
    differences = [a for b, a in zip(before, after) if b != a]
    return bool(differences) and all(a == "?" for a in differences)


def same(before, after) -> bool:
    if isinstance(after, list):
        return sorted(before or []) == sorted(after)
    return before == after


def admin(values: dict) -> bool:
    return values.get("role") == "admin" and values.get("active", True)


def before(update, name: str):
    return update.changed[name][0] if name in update.changed else update.after.get(name)


def demoting_columns(update) -> list[str]:
    """The columns of an update that take an active admin's role away, or sign them out: ["Role", "Active"]."""
    if not (before(update, "role") == "admin" and before(update, "active")) or admin(update.after):
        return []
    return [header for name, header in (("role", "Role"), ("active", "Active")) if name in update.changed
            and (update.after.get("role") != "admin" if name == "role" else not update.after.get("active"))]


def own_account_problems(result: Plan, me: int | None) -> list[Problem]:
    """An import may not demote or deactivate the admin importing it: that is done on purpose, one at a time."""
    said = {"Role": "This is you: an import may not change your own role; ask another admin to.",
            "Active": "This is you: an import may not deactivate you (it would sign you out); ask another admin to."}
    return [Problem(u.row, column, said[column]) for u in result.updates if u.id == me
            for column in demoting_columns(u)]


def last_admin_problems(result: Plan) -> list[Problem]:
    """An import may not leave no active admin, as the form may not: each row that takes one away says so."""
    demoted = [(u, columns) for u in result.updates if (columns := demoting_columns(u))]
    if not demoted or any(admin(values) for _, values in result.new) or any(admin(u.after) for u in result.updates):
        return []
    others = db.select(User.id).where(User.role == "admin", User.active,
                                      User.id.not_in([u.id for u in result.updates]))
    if db.session.scalar(others.limit(1)) is not None:
        return []
    return [Problem(u.row, column, "After this import no active admin would be left: keep one, or make someone "
                                   "else an admin in the same file.") for u, columns in demoted for column in columns]


def check_enrollments(importer: Importer, table, mapping, result: Plan, progress: Progress):
    """Enrollments: a student (by email) in a course (by code); new, or there already."""
    student, course = importer.columns[0], importer.columns[1]
    rows = [(number, None, values) for number, values in cells(table, mapping, importer)]
    if "course_id" not in mapping:
        result.problems.append(Problem(None, None, "Choose the column with each enrollment's course code."))
        return
    related = related_rows(importer, rows)
    pairs, seen = {}, {}
    order = dates.order_of(values.get("enrolled_on", "") for _, _, values in rows)
    for number, _, values in rows:
        problems, ids = [], []
        for column in (student, course):
            key = normal_key(column.related, values.get(column.name, ""))
            if not key:
                problems.append(Problem(number, column.header, f"Fill in “{column.header}”."))
            elif key not in related[column.name]:
                what = "email" if column is student else "code"
                problems.append(Problem(number, column.header,
                                        f"No {column.related.__name__.lower()} has the {what} “{key}”."))
            else:
                ids.append(related[column.name][key])
        text, problem = dates.as_iso(values.get("enrolled_on", ""), order)
        day, problem = (None, problem) if problem else enrollment_date_problem(text)
        if problem:
            problems.append(Problem(number, "Enrolled on", problem))
        if not problems and (ids[0][0], ids[1][0]) in seen:
            problems.append(Problem(number, None, f"Row {seen[ids[0][0], ids[1][0]]} enrolls this student in this "
                                                  "course too: each enrollment may be in the file once."))
        if problems:
            result.problems += problems
            continue
        seen[ids[0][0], ids[1][0]] = number
        pairs[ids[0][0], ids[1][0]] = (number, day, ids[0][1], ids[1][1])
    saved = {}
    keys = list(pairs)
    for start in range(0, len(keys), CHUNK):
        students = {s for s, _ in keys[start:start + CHUNK]}
        query = db.select(Enrollment.student_id, Enrollment.course_id, Enrollment.enrolled_on).where(
            Enrollment.student_id.in_(students))
        saved |= {(s, c): day for s, c, day in db.session.execute(query) if (s, c) in pairs}
    for (student_id, course_id), (number, day, student_name, course_code) in pairs.items():
        # An enrollment there already keeps its date: the history records who takes what, not since when.
        if (student_id, course_id) in saved:
            result.unchanged += 1
        else:  # with the names the preview lists it by
            result.new.append((number, {"student_id": student_id, "course_id": course_id, "enrolled_on": day,
                                        "student": student_name, "course": course_code}))
    progress(len(rows))
