"""The Changes page's rows and the messages after an undo, on a phone and a desktop, light and dark: a row's Undo
beside what it undoes, not on a line of its own; an undo's Undo in the box of the message it belongs to."""

import pytest
from playwright.sync_api import expect

from .pages import bulk_preview, changed_gpa, changes, first_record

SCREENS = {"phone": {"width": 375, "height": 740}, "desktop": {"width": 1280, "height": 800}}
# Where a text's first line stands (its middle): the first box of its contents as laid out.
FIRST_LINE = """element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  const line = range.getClientRects()[0];
  return line.top + line.height / 2;
}"""


def middle(box) -> float:
    return box["y"] + box["height"] / 2


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_a_changes_undo_stands_beside_its_first_line(new_page, people, screen, scheme):
    page = new_page(viewport=SCREENS[screen], color_scheme=scheme)
    changes(page)  # the first student's GPA changed: her long name wraps on a phone
    row = page.locator(".change").first
    said = row.locator(".change-head > span:not(.change-when)")
    button = row.get_by_role("button", name="Undo")
    expect(button).to_be_visible()
    assert abs(middle(button.bounding_box()) - said.evaluate(FIRST_LINE)) < 10
    text, undo = said.bounding_box(), button.bounding_box()
    assert text["x"] + text["width"] <= undo["x"]  # beside the text, not over it
    assert undo["x"] + undo["width"] <= SCREENS[screen]["width"]


def undo_of_a_bulk_change_after_a_delete(page):
    """Two students' grade set at once, the first of them deleted since, and the bulk change undone: one of its
    rows comes back as it was, the other cannot."""
    bulk_preview(page)
    page.get_by_role("button", name="Set grade for 2 students").click()
    expect(page.locator(".flash-with-undo")).to_contain_text("Set grade")
    page.goto(first_record(page, "/students") + "/confirm-delete")
    page.get_by_role("button", name="Yes, delete student").click()
    page.goto("/changes")
    page.locator(".change", has_text="Set grade").get_by_role("button", name="Undo").first.click()  # the newest
    if page.get_by_role("heading", name="Undo over later changes?").is_visible():
        page.get_by_role("button", name="Undo anyway").click()
    expect(page.locator(".flash.warning")).to_contain_text("deleted since")
    page.wait_for_load_state()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("screen", SCREENS)
def test_an_undos_undo_button_is_in_the_box_of_what_was_undone(new_page, people, screen, scheme):
    """The Undo came after the warnings of rows "deleted since", in the last warning's box: it read as undoing the
    warning, and that box lost its warning's colour."""
    page = new_page(viewport=SCREENS[screen], color_scheme=scheme)
    undo_of_a_bulk_change_after_a_delete(page)
    with_undo = page.locator(".flash-with-undo")
    expect(with_undo).to_have_count(1)
    expect(with_undo).to_contain_text("Undone: set grade")
    expect(with_undo).not_to_contain_text("deleted since")
    message, button = with_undo.locator(".flash"), with_undo.get_by_role("button", name="Undo")
    assert abs(middle(button.bounding_box()) - message.evaluate(FIRST_LINE)) < 10  # beside it, not under it
    assert message.bounding_box()["x"] + message.bounding_box()["width"] <= button.bounding_box()["x"]
    warning = page.locator(".flashes > .flash.warning")
    expect(warning).to_contain_text("Could not bring back")
    success = with_undo.evaluate("box => getComputedStyle(box).backgroundColor")
    assert warning.evaluate("box => getComputedStyle(box).backgroundColor") != success
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]


def test_an_error_message_is_coloured_as_a_warning(new_page, people):
    """"Not undone: …" (an error) was drawn in the blue of an "info" message, as if it were news of something done."""
    page = new_page(viewport=SCREENS["desktop"])
    student = first_record(page, "/students")
    page.goto(student + "/edit")
    gpa = page.get_by_label("GPA", exact=True).input_value()
    changed_gpa(page, student, "1.23")
    changed_gpa(page, student, gpa)  # back as it was: undoing the first change has nothing left to put back
    page.goto(student + "/history")
    page.get_by_role("button", name="Undo").last.click()
    page.get_by_role("button", name="Undo anyway").click()
    error = page.locator(".flash", has_text="Not undone")
    expect(error).to_be_visible()
    page.wait_for_load_state()
    colours = "box => [getComputedStyle(box).backgroundColor, getComputedStyle(box).borderLeftColor]"
    warning = page.evaluate(f"""() => {{
      const box = document.createElement("p");
      box.className = "flash warning";
      document.querySelector(".flashes").append(box);
      return ({colours})(box);
    }}""")
    assert error.evaluate(colours) == warning
