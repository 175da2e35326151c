"""What static/search.js adds to the keyboard: j and k through a list's rows, Escape on a list tool, and the
header search's results, which close when the focus leaves them and open again with ArrowDown; the "?" dialog."""

import re

import pytest
from playwright.sync_api import expect


def marked_row(page):
    return page.locator("[data-results] tbody tr.row-focus")


def test_j_after_a_live_search_starts_again_at_the_first_row(page, people):
    page.goto("/students")
    for _ in range(6):
        page.keyboard.press("j")
    expect(marked_row(page)).to_have_count(1)
    assert marked_row(page).evaluate("row => row.rowIndex") == 6  # the header's row is 0
    search = page.get_by_role("searchbox", name="Search")
    search.press_sequentially("a", delay=40)
    expect(page).to_have_url(re.compile(r"[?&]q=a(&|$)"))
    expect(page.locator("[data-results] tbody tr.row-focus")).to_have_count(0)  # the rows were replaced
    page.locator("main h1").click()  # out of the search box
    page.keyboard.press("j")
    assert marked_row(page).evaluate("row => row.rowIndex") == 1


def test_j_and_k_work_from_a_rows_tick_box(page, people):
    page.goto("/students")
    page.locator("[data-results] tbody tr").nth(2).locator("input[type=checkbox]").focus()
    page.keyboard.press("j")
    assert marked_row(page).evaluate("row => row.rowIndex") == 4
    expect(marked_row(page).locator("a").first).to_be_focused()
    page.keyboard.press("k")
    assert marked_row(page).evaluate("row => row.rowIndex") == 3


def test_escape_closes_an_open_list_tool_and_returns_to_its_summary(page, people):
    page.goto("/students")
    for name in ("Views", "Columns"):
        summary = page.locator(".list-tools summary", has_text=name)
        summary.click()
        expect(page.locator(".list-tools details[open]")).to_have_count(1)
        page.keyboard.press("Tab")  # into the panel
        page.keyboard.press("Escape")
        expect(page.locator(".list-tools details[open]")).to_have_count(0)
        expect(summary).to_be_focused()


def test_the_header_searchs_results_close_when_the_focus_leaves_and_arrow_down_opens_them_again(page, people):
    page.goto("/students")
    box, results = page.locator("#global-q"), page.locator("#global-results")
    box.press_sequentially("mar", delay=40)
    expect(results).to_be_visible()
    box.press("Escape")
    expect(results).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press("ArrowDown")
    expect(results).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    box.press("Shift+Tab")  # to the header's links, out of the search
    expect(results).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")


def test_tab_goes_from_the_header_search_through_its_results_then_closes_them(page, people):
    page.goto("/students")
    box, results = page.locator("#global-q"), page.locator("#global-results")
    box.press_sequentially("mar", delay=40)
    links = results.locator("a[data-result]")
    expect(links.first).to_be_visible()
    for index in range(links.count()):
        page.keyboard.press("Tab")
        expect(links.nth(index)).to_be_focused()
        expect(results).to_be_visible()
        outline = links.nth(index).evaluate("link => getComputedStyle(link).outlineStyle")
        assert outline != "none"
    page.keyboard.press("Tab")  # out of the results
    expect(results).to_be_hidden()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
def test_the_shortcuts_dialog_dims_the_page_behind_it_and_fits_the_screen(new_page, people, width, scheme):
    page = new_page(viewport={"width": width, "height": 740}, color_scheme=scheme)
    page.goto("/students")
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    # The browser's own backdrop is 10% black: the page behind shows through as if the dialog were part of it.
    backdrop = dialog.evaluate("dialog => getComputedStyle(dialog, '::backdrop').backgroundColor")
    *_, alpha = re.fullmatch(r"rgba?\((\d+), (\d+), (\d+)(?:, ([\d.]+))?\)", backdrop).groups()
    assert float(alpha or 1) >= 0.5, backdrop
    box = dialog.bounding_box()
    assert box["x"] >= 8 and box["x"] + box["width"] <= width - 8
    assert box["y"] >= 8 and box["y"] + box["height"] <= 740 - 8
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
