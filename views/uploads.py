"""An import's upload: the request that may carry it (longer than any other), and the file kept in the database
between the import's steps (models.Upload), which every worker on every machine shares, then read again."""

import json
from datetime import timedelta

from flask import Request, abort, current_app
from flask_login import current_user
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream

from models import Upload, db, utcnow
from spreadsheets import reading
from validators import CONTROL_CHARACTERS, INVISIBLE_CHARACTERS

UPLOADS_KEPT = timedelta(days=1)
# Uploads kept at once per person, the newest: enough for imports in a few tabs, and a bound on what one person's
# uploads (up to IMPORT_MAX_BYTES each) take of the database's disk in a day.
UPLOADS_PER_USER = 5


class UploadRequest(Request):
    """A request whose view is marked `accepts_uploads` may be IMPORT_MAX_BYTES long; every other one keeps
    MAX_CONTENT_LENGTH. Decided before anything reads the body (the CSRF check reads the form). A body that ends
    before its Content-Length is refused (400): the client went away half way."""

    @cached_property
    def stream(self):
        """gunicorn tells Werkzeug that it ends the body itself (wsgi.input_terminated), so Werkzeug does not check it
        against its Content-Length, and a form cut short was read as a shorter one: "name=Beatrice Lon" saved as
        "Beatrice Lon". Read up to the Content-Length, an early end is Werkzeug's ClientDisconnected."""
        stream = super().stream
        return stream if self.content_length is None else LimitedStream(stream, self.content_length)

    @property
    def max_content_length(self):
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        if getattr(view, "accepts_uploads", False):
            return current_app.config["IMPORT_MAX_BYTES"]
        return super().max_content_length


def too_large() -> str:
    megabytes = current_app.config["IMPORT_MAX_BYTES"] / 1024 / 1024
    return f"The file is larger than {megabytes:g} MB, the most an import takes. Split it, or ask an admin."


def keep(kind: str, filename: str, data: bytes) -> Upload:
    """Keeps an upload for the next steps, and forgets those older than a day, and this user's older than their
    newest few."""
    db.session.execute(db.delete(Upload).where(Upload.at < utcnow() - UPLOADS_KEPT))
    # Their ids read first: MariaDB deletes by no subquery with an OFFSET.
    older = db.session.scalars(db.select(Upload.id).where(Upload.user_id == current_user.id)
                               .order_by(Upload.id.desc()).offset(UPLOADS_PER_USER - 1)).all()
    if older:
        db.session.execute(db.delete(Upload).where(Upload.id.in_(older)))
    upload = Upload(user_id=current_user.id, kind=kind, filename=shown_name(filename))
    upload.content = data
    db.session.add(upload)
    db.session.commit()
    return upload


def shown_name(filename: str) -> str:
    """The file's name as the import's pages, its flash and its history show it. A browser may send anything: NUL,
    which PostgreSQL refuses to store (a 500), or a text-direction override, which turns "Imported …" around."""
    return INVISIBLE_CHARACTERS.sub("", CONTROL_CHARACTERS.sub("", filename)).strip()[:255] or "file"


def uploaded(upload_id: int, kind: str, encoding: str | None = None):
    """One's own upload of this kind, read again (each step may run on another worker) in `encoding`, or the one
    chosen for it: the row and its table."""
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.user_id != current_user.id or upload.kind != kind:
        abort(404)
    try:
        return upload, reading.read(upload.content, encoding or saved_choices(upload)[1])
    except reading.BadFile:  # checked when it was uploaded
        abort(404)


def saved_choices(upload) -> tuple[list | None, str | None]:
    """The field each column goes to, and the CSV's encoding, as chosen on the page matching columns (None: not yet;
    an upload kept from before encodings were chosen holds the list alone)."""
    saved = json.loads(upload.mapping) if upload.mapping else {}
    saved = {"columns": saved} if isinstance(saved, list) else saved
    return saved.get("columns"), saved.get("encoding")
