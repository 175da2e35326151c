"""What tests share besides fixtures: the test password, a signed-in client, reading rows back, migrations."""

import re
import shutil
import time
from pathlib import Path

from models import User, db

PASSWORD = "correct horse battery"


def signed_in(app, email):
    """A test client with a session for the user with this email, as signing in would leave it."""
    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        user_id = user.get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session["_permanent"] = True
        session["signed_in_at"] = int(time.time())
    return client


def migrations_with(tmp_path, **sources) -> str:
    """A copy of migrations/ with more migrations after the newest: migrations_with(tmp_path, notes=source)."""
    directory = tmp_path / "migrations"
    shutil.copytree(Path(__file__).parent.parent / "migrations", directory)
    for name, source in sources.items():
        (directory / "versions" / f"{name}.py").write_text(source)
    return str(directory)


def read(app, model, **where):
    """The rows of `model` matching `where`, read straight from the database."""
    with app.app_context():
        return db.session.scalars(db.select(model).filter_by(**where)).all()


def listed_names(client, path) -> list[str]:
    """The names a list page shows, in order: each row's first cell after its tick box, if it has one."""
    html = client.get(path).get_data(as_text=True)
    return re.findall(r'<tr>(?:<td class="tick">.*?</td>)?<td[^>]*><a href="/(?:users|students|courses)/\d+">([^<]*)</a>', html)
