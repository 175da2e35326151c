"""Everything can be done with Tab and Enter, and where the keyboard is can always be seen."""

import re

import pytest
from playwright.sync_api import Page, expect

from models import Student

from .contrast import contrast
from .pages import PAGES

# Marks every element that should be a Tab stop, in page order, and returns how many there are.
MARK_TAB_STOPS = """() => {
  const selector = "a[href], summary, button:not([disabled]), input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]";
  // Focusable, but not a Tab stop: tabindex=-1, the radio buttons of a group but one (arrows move within it), and
  // the page behind an open modal dialog (it is inert: Tab stays in the dialog).
  const scope = document.querySelector("dialog:modal") || document;
  const radioStop = (radio) => {
    const group = [...document.querySelectorAll(`input[type=radio][name="${radio.name}"]`)];
    return radio === (group.find((other) => other.checked) || group[0]);
  };
  const skipped = (element) => element.getAttribute("tabindex") === "-1" || (element.type === "radio" && !radioStop(element));
  const stops = [...scope.querySelectorAll(selector)].filter((element) => element.getClientRects().length > 0 && !skipped(element));
  stops.forEach((element, number) => { element.dataset.tabStop = number; });
  return stops.length;
}"""
# What the focused element is, how its outline looks, and the colour around it (the outline is drawn outside it).
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  let around = element.parentElement;
  while (around && getComputedStyle(around).backgroundColor === "rgba(0, 0, 0, 0)") around = around.parentElement;
  return {
    stop: element.dataset.tabStop === undefined ? null : Number(element.dataset.tabStop),
    name: `${element.tagName.toLowerCase()} “${(element.innerText || element.name || "").trim()}”`,
    outline: [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor],
    around: around ? getComputedStyle(around).backgroundColor : "rgb(255, 255, 255)",
  };
}"""


def tab_through(page: Page) -> list[dict]:
    """Presses Tab until focus comes back round; returns each element it reached, once, in order."""
    stops = page.evaluate(MARK_TAB_STOPS)
    reached = []
    for _ in range(3 * stops + 3):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if len(reached) > 1 and focused["stop"] == reached[0]["stop"]:  # round again (not still in a date input)
            break
        if focused["stop"] is not None and (not reached or focused["stop"] != reached[-1]["stop"]):
            reached.append(focused)  # a date input takes several presses: day, month, year
    return reached


def tab_to(page: Page, target, limit: int = 80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


# The header search's results close once Tab leaves them (test_shortcuts.py), so a round of Tab cannot come back
# to them: that page is tabbed through in test_shortcuts.py instead.
ROUND_TRIP = [name for name in PAGES if name != "search as typed"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_type", ROUND_TRIP)
def test_tab_reaches_everything_with_a_visible_focus(new_page, people, page_type, scheme):
    page = new_page(color_scheme=scheme)
    PAGES[page_type](page)
    reached = tab_through(page)
    stops = page.evaluate("document.querySelectorAll('[data-tab-stop]').length")
    order = [focused["stop"] for focused in reached]
    start = order.index(0) if 0 in order else 0  # focus may start part-way down, on a form's first error
    assert order[start:] + order[:start] == list(range(stops)), "Tab misses elements or goes out of page order"
    for focused in reached:
        style, width, color = focused["outline"]
        assert style != "none" and width >= 2, f"{focused['name']} shows no focus outline"
        assert contrast(color, focused["around"]) >= 3, (
            f"{focused['name']}: focus outline {color} on {focused['around']} is under 3:1")


def test_skip_link_comes_first_and_jumps_to_the_content(page, people):
    page.goto("/students")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Print list")).to_be_focused()  # the first control of the content


def test_sort_with_the_keyboard_and_the_order_is_announced(page, people):
    page.goto("/students")
    header = page.get_by_role("columnheader", name="GPA")
    expect(page.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    expect(header).not_to_have_attribute("aria-sort", re.compile(".*"))
    tab_to(page, header.get_by_role("link"))
    page.keyboard.press("Enter")
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(page.get_by_role("columnheader", name="Name")).not_to_have_attribute("aria-sort", re.compile(".*"))


def test_create_with_the_keyboard_alone_and_land_on_the_mistake(page, read):
    page.goto("/students")
    tab_to(page, page.get_by_role("link", name="Add student"))
    page.keyboard.press("Enter")
    expect(page).to_have_url("/students/new")
    tab_to(page, page.get_by_label("Name"))
    page.keyboard.type("Ana Álvarez")
    page.keyboard.press("Tab")
    page.keyboard.type("ana@")
    page.keyboard.press("Tab")
    page.keyboard.type("7")
    page.keyboard.press("Enter")

    email = page.get_by_label("Email")
    expect(email).to_be_focused()
    expect(email).to_have_accessible_description("Enter an email address like name@example.org.")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type("ana@school.example")
    page.keyboard.press("Enter")
    expect(page.locator(".flash")).to_have_text("Saved student “Ana Álvarez” (ana@school.example, grade 7).")
    assert [student.email for student in read(Student)] == ["ana@school.example"]
