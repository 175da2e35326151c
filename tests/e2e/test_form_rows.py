"""Fields side by side in a form's row (the student form's grade and GPA, birthday and enrolment date) stay level
whichever of them shows an error: an error above one box pushed it below its neighbour's."""

import pytest
from playwright.sync_api import expect

DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# A row's two boxes, and what makes one of them, or both, wrong (the other filled in right).
ROWS = {
    "grade wrong": ("#grade", "#gpa", {"#grade": "", "#gpa": "3.5"}),
    "GPA wrong": ("#grade", "#gpa", {"#grade": "3", "#gpa": "5"}),
    "both wrong": ("#grade", "#gpa", {"#grade": "13", "#gpa": "4.123"}),
    "birthday wrong": ("#birthday", "#enrolled_on", {"#birthday": "2099-01-01", "#enrolled_on": "2024-09-01"}),
}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("row", ROWS)
def test_a_rows_boxes_stay_level_whichever_shows_an_error(new_page, row, scheme):
    left, right, values = ROWS[row]
    page = new_page(**DESKTOP, color_scheme=scheme)
    page.goto("/students/new")
    for box, value in values.items():
        page.locator(box).fill(value)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-row .field-error").first).to_be_visible()
    page.wait_for_load_state()  # the new page's stylesheet too, not only its HTML
    left_box, right_box = page.locator(left).bounding_box(), page.locator(right).bounding_box()
    assert left_box["y"] == right_box["y"], f"{left} at {left_box['y']}, {right} at {right_box['y']}"
    assert left_box["height"] == right_box["height"]  # the error's thicker border does not make one box taller
    assert left_box["x"] + left_box["width"] < right_box["x"]  # side by side still, not stacked


def test_a_rows_labels_stay_above_their_boxes_and_errors_between(new_page):
    """The shared rows keep each field's own order: its label, its error, its box."""
    page = new_page(**DESKTOP)
    page.goto("/students/new")
    page.locator("#grade").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    error = page.locator("#grade-error")
    expect(error).to_be_visible()
    page.wait_for_load_state()  # the new page's stylesheet too, not only its HTML
    label, box = page.locator("label[for=grade]").bounding_box(), page.locator("#grade").bounding_box()
    gpa_label = page.locator("label[for=gpa]").bounding_box()
    assert label["y"] == gpa_label["y"]
    assert label["y"] + label["height"] <= error.bounding_box()["y"]
    assert error.bounding_box()["y"] + error.bounding_box()["height"] <= box["y"]


def test_a_phone_stacks_a_rows_fields(new_page):
    page = new_page(viewport={"width": 375, "height": 740})
    page.goto("/students/new")
    page.locator("#grade").fill("")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#grade-error")).to_be_visible()
    page.wait_for_load_state()
    grade, gpa = page.locator("#grade").bounding_box(), page.locator("#gpa").bounding_box()
    assert grade["y"] + grade["height"] < page.locator("label[for=gpa]").bounding_box()["y"] < gpa["y"]
    assert grade["x"] == gpa["x"] and grade["width"] == gpa["width"]
