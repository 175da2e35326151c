"""Small things a phone's 375 px showed untidy, looked at in dark mode: what belongs together stays on one line,
a placeholder is not cut off, a heading does not touch the box above it."""

import pytest
from playwright.sync_api import expect

from models import Student

from .pages import PAGES, PROBLEMS, first_record, import_preview

PHONE = {"viewport": {"width": 375, "height": 740}, "color_scheme": "dark"}


def middle(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def on_one_line(*locators) -> bool:
    middles = [middle(locator) for locator in locators]
    return max(middles) - min(middles) < 10


# Whether a box shows its placeholder whole: typed in as the box's value, the text does not scroll. (Measuring the
# text against the box's width missed the room a search box keeps for its clear button.)
PLACEHOLDER_FITS = """box => {
  const typed = box.value;
  box.value = box.placeholder;
  const fits = box.scrollWidth <= box.clientWidth;
  box.value = typed;
  return fits;
}"""


@pytest.mark.parametrize("list_path", ["/students", "/courses"])
def test_a_pickers_placeholder_is_not_cut_off_on_a_phone(new_page, people, list_path):
    page = new_page(**PHONE)
    page.goto(first_record(page, list_path) + "/edit")
    boxes = page.locator(".picker-search input[type=search]")
    expect(boxes.first).to_be_visible()
    for box in boxes.all():
        assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")


def test_a_courses_enroll_and_import_buttons_share_a_line_on_a_phone(new_page, people):
    page = new_page(**PHONE)
    page.goto(first_record(page, "/courses"))
    assert on_one_line(page.get_by_role("link", name="Enroll students"), page.get_by_role("link", name="Import enrollments"))


@pytest.mark.parametrize("list_path", ["/students", "/users", "/courses"])
def test_a_bulk_actions_choice_and_its_go_button_share_a_line_on_a_phone(new_page, people, list_path):
    page = new_page(**PHONE)
    page.goto(list_path)
    assert on_one_line(page.get_by_label("With the selected"), page.get_by_role("button", name="Go…"))


@pytest.mark.parametrize("width", [1280, 375])
def test_the_import_pages_columns_heading_stands_apart_from_the_upload_form(new_page, width):
    page = new_page(**{**PHONE, "viewport": {"width": width, "height": 740}})
    page.goto("/students/import")
    form = page.locator("form.record-form").bounding_box()
    heading = page.get_by_role("heading", name="Columns").bounding_box()
    assert heading["y"] - (form["y"] + form["height"]) >= 16


def test_a_records_details_line_up_with_its_forms_fields_on_a_phone(new_page, people):
    """A phone's narrow screen keeps its width for the values: the details box is inset no more than the form's."""
    page = new_page(**PHONE)
    student = first_record(page, "/students")
    page.goto(student)
    detail = page.locator(".details dt").first.bounding_box()["x"]
    page.goto(student + "/edit")
    form = page.get_by_text("Name", exact=True).first.bounding_box()["x"]
    assert detail == form


def test_the_views_menus_placeholder_is_not_cut_off_on_a_phone(new_page, people):
    page = new_page(**PHONE)
    page.goto("/students")
    page.locator(".list-tools summary", has_text="Views").click()
    box = page.get_by_label("Save this list as")
    expect(box).to_be_visible()
    assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")


SEARCH_HINTS = {"/students": "Name, email, advisor or course code", "/users": "Name, email or role",
                "/courses": "Code, title or teacher"}


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("list_path", SEARCH_HINTS)
def test_a_lists_search_box_says_whole_what_it_looks_in(new_page, people, list_path, width):
    """At 375 px the students' placeholder ended "…advisor or course co"; at 1280 px "…or course"."""
    page = new_page(**{**PHONE, "viewport": {"width": width, "height": 740}})
    page.goto(list_path)
    box = page.get_by_role("searchbox", name="Search", exact=True)
    assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")
    expect(box).to_have_accessible_description(SEARCH_HINTS[list_path])
    hint = page.get_by_text(SEARCH_HINTS[list_path], exact=True)
    expect(hint).to_be_visible()
    assert hint.evaluate("hint => hint.scrollWidth <= hint.clientWidth")
    assert hint.bounding_box()["x"] + hint.bounding_box()["width"] <= width


def test_the_enroll_pages_search_box_says_whole_what_it_looks_in(new_page, people):
    page = new_page(**PHONE)
    page.goto(first_record(page, "/courses") + "/enroll")
    box = page.get_by_role("searchbox", name="Find a student")
    assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")
    expect(box).to_have_accessible_description(SEARCH_HINTS["/students"])


def test_an_import_previews_card_says_which_row_it_is(new_page):
    page = new_page(**PHONE)
    import_preview(page, PROBLEMS)
    cell = page.locator("tbody td").first
    expect(cell).to_have_text("2")
    assert cell.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Row "'
    assert cell.bounding_box()["height"] < 40  # "Row 2" on one line, not a letter a line


@pytest.mark.parametrize("path", ["/confirm-delete", "/no-such-page"])
def test_a_confirmation_or_error_box_is_inset_as_a_forms_on_a_phone(new_page, people, path):
    page = new_page(**PHONE)
    student = first_record(page, "/students")
    page.goto(student + "/edit")
    form = page.get_by_text("Name", exact=True).first.bounding_box()["x"]
    page.goto(student + path)
    assert page.get_by_role("heading", level=1).bounding_box()["x"] == form


# Where an element's first line of text stands: an empty inline-block put at its start sits on the baseline.
BASELINE = """element => {
  const marker = document.createElement("span");
  marker.style.display = "inline-block";
  element.prepend(marker);
  const baseline = marker.getBoundingClientRect().bottom;
  marker.remove();
  return baseline;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_a_pages_heading_stands_on_a_line_with_its_buttons_text(new_page, people, width):
    page = new_page(**{**PHONE, "viewport": {"width": width, "height": 740}})
    page.goto("/courses")
    heading = page.get_by_role("heading", level=1).evaluate(BASELINE)
    button = page.get_by_role("link", name="Add course").evaluate(BASELINE)
    assert abs(heading - button) <= 1


def test_a_courses_find_a_student_placeholder_is_not_cut_off_on_a_phone(new_page, people):
    """"Find a student in MATH-101" was cut to "…in MATH-10"."""
    page = new_page(**PHONE)
    page.goto(first_record(page, "/courses?sort=-code"))
    expect(page.get_by_role("heading", name="MATH-101")).to_be_visible()
    box = page.get_by_role("searchbox", name="Find a student in MATH-101")
    assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")


@pytest.mark.parametrize("page_type", ["home", "page not found", "sign-in log", "course list", "search results"])
def test_no_placeholder_is_cut_off_on_a_phone(new_page, people, page_type):
    page = new_page(**PHONE)
    PAGES[page_type](page)
    page.wait_for_load_state("load")
    for box in page.locator("input[placeholder]:visible").all():
        assert box.evaluate(PLACEHOLDER_FITS), box.get_attribute("placeholder")


def test_the_search_pages_button_shares_a_line_with_its_box_on_a_phone(new_page, people):
    page = new_page(**PHONE)
    page.goto("/search?q=mar")
    form = page.get_by_role("search", name="Search again")
    assert on_one_line(form.get_by_role("searchbox"), form.get_by_role("button", name="Search"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_search_results_email_stands_in_line_under_its_name_on_a_phone(new_page, people):
    """A long email wrapped under its name, indented by the margin that parts the two on a line."""
    page = new_page(**PHONE)
    page.goto("/search?q=a")
    for result in page.locator(".search-results li a:has(.muted)").all():
        email = result.locator(".muted")
        assert email.bounding_box()["x"] == result.bounding_box()["x"], email.text_content()


def test_a_delete_confirmations_text_stays_in_its_box_on_a_phone(new_page, add):
    """A long email ran past the box's edge, into its padding: "(aaron.gray.360@students.example.edu,"."""
    student = add(Student, name="Aaron Gray", email="aaron.gray.360@students.example.edu", grade=12)
    page = new_page(**PHONE)
    page.goto(f"/students/{student}/confirm-delete")
    expect(page.locator(".confirm p").first).to_be_visible()
    for text in page.locator(".confirm p").all():
        assert text.evaluate("p => p.scrollWidth <= p.clientWidth"), text.text_content()
