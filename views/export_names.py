"""The name an export downloads as, saying what it holds: "students-grade-9-mar-2026-12-07.csv" for grade 9 searched
for "mar", in letters, digits and hyphens alone, whatever the search or a related row's name holds."""

import re
import unicodedata
from datetime import date
from urllib.parse import quote

from models import db

NAMED_MAX = 60  # characters naming the filters and search: enough for a few, far short of a file name's 255


def export_filename(name: str, listing, args, kind: str) -> str:
    """`name` (students, MATH-101-students), the filters in use and the search, today, and the format's extension."""
    words = [words_of(f, args[f.name], value) for f in listing.filters
             if (value := args.value(f.name)) not in (None, "", [])]
    if args.value("q"):
        words.append(args.value("q"))
    named = slug(" ".join(words))[:NAMED_MAX].rstrip("-")
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name)
    return "-".join(part for part in (name, named, date.today().isoformat()) if part) + f".{kind}"


def words_of(declared, field, value) -> str:
    """A filter in use in words, as its chip reads: "grade 9 10", "advisor Lisa Padilla", "no advisor", "inactive"."""
    label = field.label.text
    if declared.related:
        if value == "none":
            return f"no {label}"
        model, named = declared.related
        return f"{label} {db.session.scalar(db.select(named).where(model.id == value)) or value}"
    shown = {choice.value: choice.label for choice in getattr(field, "choices", None) or ()}
    if isinstance(value, list):
        return " ".join([label, *(str(shown.get(one, one)) for one in value)])
    if value in ("yes", "no") and value in shown:  # a yes-or-no filter's choice says it all: "Inactive"
        return shown[value]
    return f"{label} {shown.get(value, value)}"


def slug(text: str) -> str:
    """Lower case letters and digits of any script, the rest one hyphen between them."""
    return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")


def content_disposition(filename: str) -> str:
    """An attachment named `filename`: in ASCII for every browser ("zoe"), and as it is, in UTF-8, for those that
    read RFC 6266's filename* (all browsers since 2011: "zoë")."""
    plain = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    plain = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]", "", plain))
    if plain == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(filename, safe='')}"
