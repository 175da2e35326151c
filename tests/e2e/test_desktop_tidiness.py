"""Small things a desktop's 1280 px showed untidy: buttons that belong together stay together, a page's heading sits
where every page's does, a filter bar's controls line up."""

import pytest
from playwright.sync_api import expect

from .pages import PROBLEMS, first_record, import_preview, saved_views

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_a_courses_buttons_stay_together_on_a_desktop(new_page, people):
    page = new_page(**DESKTOP)
    page.goto(first_record(page, "/courses"))
    buttons = [page.get_by_role("link", name=name).bounding_box()
               for name in ("Enroll students", "Import enrollments", "Print class list")]
    for left, right in zip(buttons, buttons[1:]):
        assert left["y"] == right["y"]
        assert right["x"] - (left["x"] + left["width"]) <= 16  # 1rem: the gap between the buttons of any group


@pytest.mark.parametrize("path", ["/account", "/account/password"])
def test_an_account_pages_heading_sits_where_the_search_pages_does(new_page, people, path):
    page = new_page(**DESKTOP)
    page.goto("/search")  # a heading alone, with no buttons beside it to stand level with
    expected = page.get_by_role("heading", level=1).bounding_box()
    page.goto(path)
    heading = page.get_by_role("heading", level=1).bounding_box()
    assert (heading["x"], heading["y"]) == (expected["x"], expected["y"])


@pytest.mark.parametrize("list_path, ticks", [("/students", "Grade"), ("/users", "Role")])
def test_a_filter_bars_ticks_legend_lines_up_with_the_labels_beside_it(new_page, people, list_path, ticks):
    page = new_page(**DESKTOP)
    page.goto(list_path)
    label = page.locator(".list-controls label", has_text="Search").bounding_box()
    legend = page.locator(".list-controls legend", has_text=ticks).bounding_box()
    assert abs(legend["y"] - label["y"]) <= 1


def test_a_filter_bars_ticks_sit_level_with_the_boxes_beside_them(new_page, people):
    page = new_page(**DESKTOP)
    page.goto("/students")
    box = page.get_by_role("searchbox", name="Search", exact=True).bounding_box()
    tick = page.get_by_role("checkbox", name="1", exact=True).bounding_box()
    assert abs((tick["y"] + tick["height"] / 2) - (box["y"] + box["height"] / 2)) <= 2
    expect(page.get_by_role("group", name="Grade")).to_be_visible()


def test_an_import_previews_row_numbers_take_a_narrow_column(new_page):
    page = new_page(**DESKTOP)
    import_preview(page, PROBLEMS)
    assert page.get_by_role("columnheader", name="Row").bounding_box()["width"] <= 80


def test_a_records_history_edit_and_delete_are_buttons_alike(new_page, people):
    """History was a bare link beside the Edit and Delete buttons."""
    page = new_page(**DESKTOP)
    page.goto(first_record(page, "/students"))
    boxes = [page.locator(".page-head").get_by_role("link", name=name, exact=True).bounding_box()
             for name in ("History", "Edit", "Delete")]
    assert len({(box["y"], box["height"]) for box in boxes}) == 1


def test_the_search_pages_results_are_not_underlined_as_under_the_headers_box(new_page, people):
    page = new_page(**DESKTOP)
    page.goto("/search?q=mar")
    result = page.get_by_role("link", name="María José maria@example.org")
    assert result.evaluate("link => getComputedStyle(link).textDecorationLine") == "none"


def test_the_enroll_pages_two_labels_look_alike(new_page, people):
    """"Or enroll every student" was lighter than "Find a student", and sat on its box."""
    page = new_page(**DESKTOP)
    page.goto(first_record(page, "/courses") + "/enroll")
    looks = []
    for label, control in [("Find a student", "searchbox"), ("Or enroll every student", "combobox")]:
        text = page.get_by_text(label, exact=True).bounding_box()
        gap = page.get_by_role(control, name=label).bounding_box()["y"] - (text["y"] + text["height"])
        weight = page.get_by_text(label, exact=True).evaluate("label => getComputedStyle(label).fontWeight")
        looks.append((weight, round(gap)))
    assert looks[0] == looks[1]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_saved_views_buttons_line_up_down_the_list(new_page, people, scheme):
    """A view with a long name had its buttons wrapped to the left of a second line, under the name, while a short
    name's stood at the right: Rename, Pin and Delete zigzagged down the list."""
    page = new_page(**DESKTOP, color_scheme=scheme)
    saved_views(page)  # one long name, one short
    rows = page.locator(".saved-views").first.locator(".saved-view")
    expect(rows).to_have_count(2)
    for name in ("Rename", "Delete"):
        lefts = {round(row.get_by_role("button", name=name).bounding_box()["x"]) for row in rows.all()}
        assert len(lefts) == 1, f"{name} at {lefts}"
    for row in rows.all():  # beside the name's first line, not under it
        link, delete = row.locator(".view-head a").bounding_box(), row.get_by_role("button", name="Delete").bounding_box()
        assert delete["y"] < link["y"] + link["height"] and link["x"] + link["width"] < delete["x"]


def test_the_changes_filter_bars_labels_stand_level(new_page):
    """The date boxes were 2 px taller than the choices beside them: "From" and "To" stood higher than "Record"."""
    page = new_page(**DESKTOP)
    page.goto("/changes")
    tops = {name: page.locator(".list-controls label", has_text=name).bounding_box()["y"]
            for name in ("Record", "Change", "From", "To")}
    assert len(set(tops.values())) == 1, tops
