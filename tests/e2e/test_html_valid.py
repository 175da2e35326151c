"""Every kind of page, as the server sent it, is valid HTML to the Nu HTML checker (the W3C's validator)."""

import json
import re
import subprocess
from pathlib import Path

from app import create_app
from models import db

from .pages import PAGES, first_record

# Templates the pages of PAGES do not reach, besides the setup page (see setup_page).
MORE_PAGES = {
    # MATH-101 has students, whom its confirmation lists.
    "course delete confirmation": lambda page: page.goto(first_record(page, "/courses?q=MATH-101") + "/confirm-delete"),
}


def served_html(page, go) -> str:
    """The HTML the server sent for the page `go` ends on: its source, not the DOM the browser built from it
    (the browser mends what the checker should see, and scripts change the DOM)."""
    documents = []
    page.on("response", lambda response: documents.append(response) if is_page(page, response) else None)
    go(page)
    return documents[-1].text()


def setup_page(tmp_path) -> str:
    """The first-run page, as served where nobody has an account yet: the test server has its admin."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}", "SECRET_KEY": "browser-tests"})
    with app.app_context():
        db.create_all()
        html = app.test_client().get("/setup").get_data(as_text=True)
        db.engine.dispose()
    return html


def is_page(page, response) -> bool:
    """A page the tab shows (not a redirect, nor a fragment a script fetched)."""
    return response.request.resource_type == "document" and response.frame == page.main_frame and not 300 <= response.status < 400


def file_name(page_type: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", page_type.lower()).strip("-") + ".html"


def nu_errors(vnu_command: list[str], files: list[Path]) -> list[dict]:
    # One run for every page: starting the JVM takes longer than checking them all.
    run = subprocess.run(vnu_command + [str(file) for file in files], capture_output=True, text=True, timeout=300)
    try:
        return json.loads(run.stderr)["messages"]  # the checker writes its report to stderr, and exits 1 on errors
    except (json.JSONDecodeError, KeyError):
        raise AssertionError(f"The Nu HTML checker failed (exit code {run.returncode}):\n{run.stderr}{run.stdout}") from None


def describe(errors: list[dict]) -> str:
    return "\n".join(
        f"{Path(error.get('url', '?')).name}, line {error.get('lastLine', '?')}: {error['message']}"
        f"{' in ' + repr(error['extract'].strip()) if error.get('extract') else ''}"
        for error in errors
    )


def test_every_page_is_valid_html(vnu_command, new_page, people, tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for page_type, go in {**PAGES, **MORE_PAGES}.items():
        page = new_page()
        (pages / file_name(page_type)).write_text(served_html(page, go))
        page.context.close()  # twenty contexts at once would only use memory
    (pages / "setup.html").write_text(setup_page(tmp_path))
    files = sorted(pages.iterdir())
    errors = nu_errors(vnu_command, files)
    assert not errors, f"{len(errors)} errors in the HTML of {pages}:\n{describe(errors)}"
