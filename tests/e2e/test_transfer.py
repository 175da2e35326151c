"""An import driven in the browser: upload, match the columns, preview, import, undo; and an export's download."""

import pytest
from playwright.sync_api import expect

from models import Student

from .pages import import_columns


def test_import_a_file_with_a_preview_then_undo_it(page, people, read):
    data = b"Full name,Email,Year\nNew Student,new.student@school.example,3\nOther One,other@school.example,4\n"
    import_columns(page, data)
    page.get_by_label("Full name").select_option("name")
    page.get_by_label("Year").select_option("grade")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview of intake.csv")).to_be_visible()
    assert read(Student, email="new.student@school.example") == []  # nothing written before confirming
    page.get_by_role("button", name="Import 2 rows: 2 new, 0 updated, 0 unchanged").click()
    expect(page.locator(".flash").first).to_contain_text("Imported intake.csv: 2 rows: 2 new")
    assert [s.grade for s in read(Student, email="new.student@school.example")] == [3]
    page.locator(".flash-with-undo").get_by_role("button", name="Undo").click()
    expect(page.locator(".flash").first).to_contain_text("Undone: import of intake.csv: added 2 students.")
    assert read(Student, email="new.student@school.example") == []


def test_the_export_link_downloads_the_list_as_shown(page, people):
    page.goto("/students?sort=-name")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV", exact=True).click()
    with open(download.value.path(), encoding="utf-8") as file:
        lines = file.read().splitlines()
    total = int(page.locator(".summary").inner_text().rsplit(" of ", 1)[1].split()[0].replace(",", ""))
    assert lines[0].startswith("Name,Email,Grade") and len(lines) == total + 1
    assert [line.split(",")[0] for line in lines[1:]] == sorted((line.split(",")[0] for line in lines[1:]), reverse=True)


LONG = "An unusually long name that goes on, " * 3


@pytest.mark.parametrize("width", [1280, 375])
def test_matching_the_columns_shows_each_name_and_its_choice_in_view(new_page, people, width):
    page = new_page(viewport={"width": width, "height": 800})
    data = f"Name,Email\n{LONG},a.very.long.address.indeed@students.example.edu\n".encode()
    import_columns(page, data)
    for heading, choice in (("Name", "column-0"), ("Email", "column-1")):
        expect(page.locator("tbody th").filter(has_text=heading)).to_be_visible()
        box, form = page.locator(f"#{choice}").bounding_box(), page.locator(".import-map").bounding_box()
        assert box["x"] + box["width"] <= form["x"] + form["width"]  # inside the form, not scrolled away
        assert box["width"] >= min(200, width / 3)
    assert page.locator(".table-wrap").evaluate("box => box.scrollWidth <= box.clientWidth")


def test_the_preview_keeps_its_counts_on_one_line_and_its_messages_in_the_table(page, people):
    data = (b"Name,Email,Grade\n=HYPERLINK(\"x\"),formula@school.example,5\n"
            + b"".join(f"Pupil {n},pupil{n}@school.example,3\n".encode() for n in range(150)))
    import_columns(page, data)
    page.get_by_role("button", name="Preview").click()
    for cell in page.locator(".import-counts dd").all():
        assert cell.evaluate("dd => dd.getClientRects().length === 1 && dd.getBoundingClientRect().height < 30")
    message = page.get_by_role("cell", name="so a spreadsheet would run it as a formula").bounding_box()
    wrap = page.locator(".table-wrap")
    assert message["x"] + message["width"] <= wrap.bounding_box()["x"] + wrap.bounding_box()["width"]
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth")
