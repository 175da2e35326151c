"""Export and import, the routes every resource gets by one `add_transfer(bp, resource)` call: /<name>/export
(every row the list's query string matches, as CSV or XLSX), and /<name>/import: upload, map the columns, preview,
confirm. Enrollments are imported from the courses' pages (`add_import`).

The uploaded file is kept between the steps (views.uploads); an import's own checks and writes are
records.import_checks and records.import_writes.
"""

import json

from flask import (Response, abort, current_app, flash, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from formatting import plural
from listing import export
from models import SignIn, db, utcnow
from records import import_checks, import_writes
from records.imports import Importer, automatic_mapping, related_names
from security import role_required
from spreadsheets import encodings, reading, writing
from spreadsheets.columns import file_columns, named_keys
from views.export_names import content_disposition, export_filename
from views.steps import offer_undo
from views.uploads import keep, saved_choices, too_large, uploaded

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ERRORS_SHOWN = 1000
UPDATES_SHOWN = 100  # the preview lists this many new rows, and updates each with what it changes


def log_export(what: str, email: str, address: str):
    """The sign-in log records who exported what. Written on a connection of its own, whose first statement is
    this INSERT: an export is a GET, whose own transaction may not write (database.begin_sqlite_transaction)."""
    with db.engine.begin() as connection:
        connection.execute(db.insert(SignIn).values(at=utcnow(), email=email, event="export", detail=what[:500],
                                                    address=address[:45]))


def export_response(resource, listing, args, name: str, what: str):
    """The file of every row `args` leave in `listing`, streamed: as ?format=csv (&bom=1 for Excel) or xlsx."""
    kind = request.args.get("format", "csv")
    if kind not in FORMATS:
        abort(404)
    columns = file_columns(resource)
    header = [column.header for column in columns]
    rows = named_keys(columns, export.rows(listing, args, [column.sql for column in columns]))
    chunks = writing.xlsx_chunks(header, rows, resource.title) if kind == "xlsx" else writing.csv_chunks(
        header, rows, bom=request.args.get("bom") == "1")
    log_export(what, current_user.email, request.remote_addr or "")
    filename = export_filename(name, listing, args, kind)
    # content_type, not mimetype: given a text/* mimetype, Werkzeug adds "; charset=utf-8" to it a second time.
    return Response(stream_with_context(chunks), content_type=FORMATS[kind],
                    headers={"Content-Disposition": content_disposition(filename)})


def add_transfer(bp, resource):
    """/<name>/export for everyone; /<name>/import for those who may edit the resource."""

    def export_list():
        listing = resource.listing
        query = request.query_string.decode(errors="replace")
        return export_response(resource, listing, listing.args(request.args), resource.name,
                               f"{resource.name}{'?' + query if query else ''}")

    export_list.__doc__ = f"Every {resource.noun} the list's search, filters and sort leave, as CSV or XLSX."
    bp.add_url_rule("/export", "export", export_list)
    add_import(bp, lambda: Importer.of(resource), resource.name, resource.edit_role, resource.title)


def add_import(bp, make_importer, kind: str, role: str, title: str, prefix: str = ""):
    """The import pages of one kind of row: upload, map, checking (a page that says so), preview and confirm."""
    endpoint = f"{prefix}import"
    back = f"{bp.name}.index"

    def upload_page():
        error = None
        if request.method == "POST":
            try:
                file = request.files.get("file")
            except RequestEntityTooLarge:
                file, error = None, too_large()
            if file is not None and file.filename:
                data = file.read()
                try:
                    reading.read(data)
                except reading.BadFile as bad:
                    error = str(bad)
                else:
                    upload = keep(kind, file.filename, data)
                    return redirect(url_for(f".{endpoint}_map", upload_id=upload.id))
            error = error or "Choose a CSV or XLSX file to upload."
        return upload_form(error)

    def upload_form(error: str | None):
        return render_template("transfer/upload.html", kind=kind, title=title, error=error, back=back,
                               columns=make_importer().columns, max_bytes=current_app.config["IMPORT_MAX_BYTES"]), \
            400 if error else 200

    def map_page(upload_id):
        # A CSV's encoding, chosen here (?encoding=cp1250 reads it again so; the form below carries it on).
        chosen = request.values.get("encoding")
        upload, table = uploaded(upload_id, kind, chosen if chosen in encodings.CHOICES else None)
        chosen = chosen or saved_choices(upload)[1]
        importer = make_importer()
        if request.method == "POST":
            names = {c.name for c in importer.columns}
            mapping = [request.form.get(f"column-{i}") or None for i in range(len(table.header))]
            upload.mapping = json.dumps({"columns": [name if name in names else None for name in mapping],
                                         "encoding": table.encoding})
            db.session.commit()
            return redirect(url_for(f".{endpoint}_checking", upload_id=upload.id))
        mapping = saved_choices(upload)[0] or automatic_mapping(table.header, importer)
        samples = [[row[i] if i < len(row) else "" for _, row in table.rows[:3]] for i in range(len(table.header))]
        return render_template("transfer/map.html", kind=kind, title=title, upload=upload, table=table, back=back,
                               mapping=mapping, samples=samples, columns=importer.columns, endpoint=endpoint,
                               encodings=encodings.CHOICES, accented=accented_cells(table),
                               encoding_chosen=chosen == table.encoding)

    def checking_page(upload_id):
        upload, table = uploaded(upload_id, kind)
        return render_template("transfer/checking.html", kind=kind, title=title, upload=upload, rows=len(table.rows),
                               next=url_for(f".{endpoint}_preview", upload_id=upload.id), back=back)

    def preview_page(upload_id):
        upload, table = uploaded(upload_id, kind)
        importer = make_importer()
        mapping = saved_choices(upload)[0] or automatic_mapping(table.header, importer)
        since = import_writes.last_change()  # read before the plan: what is changed after it is named, if refused
        if request.method == "POST":
            # A form without the preview's fingerprint matches no plan: it is shown the preview again.
            seen = import_writes.Seen(request.form.get("seen", ""), request.form.get("since", 0, type=int))
            try:
                result = import_writes.commit(importer, table, mapping, also=lambda session: session.delete(upload),
                                              me=current_user.id, seen=seen, name=upload.filename)
            except import_writes.Refused as refused:
                result = refused.plan
            else:
                flash(f"Imported {upload.filename}: {summary(result)}.", "success")
                offer_undo()
                return redirect(url_for(back))
        else:
            result = import_checks.plan(importer, table, mapping, me=current_user.id)
        status = 200 if request.method == "GET" else 400 if result.problems else 409
        return render_template("transfer/preview.html", kind=kind, title=title, upload=upload, table=table, back=back,
                               plan=result, shown=result.problems[:ERRORS_SHOWN], endpoint=endpoint, since=since,
                               columns={column.name: column for column in importer.columns},
                               related=related_changes(importer, result.updates[:UPDATES_SHOWN]),
                               updates_shown=UPDATES_SHOWN,
                               summary=summary(result)), status

    for view, rule, name, methods in ((upload_page, "", "", ("GET", "POST")),
                                      (map_page, "/<int:upload_id>", "_map", ("GET", "POST")),
                                      (checking_page, "/<int:upload_id>/checking", "_checking", ("GET",)),
                                      (preview_page, "/<int:upload_id>/preview", "_preview", ("GET", "POST"))):
        view.__doc__ = f"Import {kind} from a CSV or XLSX file: {name.strip('_') or 'upload'}."
        checked = role_required(role)(view)
        checked.accepts_uploads = view is upload_page
        if view is upload_page:
            # A file over the limit is refused as the CSRF check reads the form, before this page: the 413 page
            # answers with this instead (app.py), saying so at the file's field, without reading the body again.
            checked.too_large = role_required(role)(lambda: upload_form(too_large()))
        bp.add_url_rule(f"/{prefix.replace('_', '/')}import{rule}", f"{endpoint}{name}", checked, methods=methods)


def related_changes(importer: Importer, updates: list) -> dict[tuple[int, str], str]:
    """Each update's change of a related row or rows, in words, by (row, field): "Lisa Padilla → Omar Haddad",
    "added ART-001; removed MATH-101" (records.imports.related_names names them all at once)."""
    names, said = related_names(importer, updates), {}
    for update in updates:
        for name, (before, after) in update.changed.items():
            if name not in names:
                continue
            named = names[name]
            if isinstance(after, list):
                added = [named_row(named, id) for id in after if id not in (before or [])]
                removed = [named_row(named, id) for id in before or [] if id not in after]
                said[(update.row, name)] = "; ".join(f"{verb} {', '.join(ids)}" for verb, ids
                                                     in (("added", added), ("removed", removed)) if ids)
            else:
                said[(update.row, name)] = f"{named_row(named, before)} → {named_row(named, after)}"
    return said


def named_row(names: dict[int, str], id: int | None) -> str:
    return "—" if id is None else names.get(id, f"#{id}")


def summary(result) -> str:
    return (f"{plural(result.rows, 'row')}: {len(result.new):,} new, {len(result.updates):,} updated, "
            f"{result.unchanged:,} unchanged")


def accented_cells(table, shown: int = 8, rows: int = 1000) -> list[str]:
    """The first cells with letters beyond A-Z, for a person to check the encoding a CSV was read in by."""
    if table.encoding is None:
        return []
    found = dict.fromkeys(cell.strip() for _, cells in table.rows[:rows] for cell in cells if not cell.isascii())
    return list(found)[:shown]
