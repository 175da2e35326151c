"""Saved views, the column chooser and the colour scheme, in Chromium."""

import pytest
from playwright.sync_api import expect

from models import SavedView, User, db

from .harness import ADMIN_EMAIL
from .pages import names, saved_view
from .test_accessibility import describe, violations

DARK_BACKGROUND, LIGHT_BACKGROUND = "rgb(20, 23, 28)", "rgb(246, 247, 249)"  # --bg: #14171c, #f6f7f9


def has_background(page, colour: str):
    """The page's background, once its stylesheet applies (read at once, a page still loading it has none)."""
    expect(page.locator("body")).to_have_css("background-color", colour)


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_a_view_saved_from_the_list_opens_from_the_header_once_pinned(new_page, people, javascript):
    page = new_page(java_script_enabled=javascript)
    saved_view(page, "Grade 3", "/students?grade=3&sort=-gpa")
    page.goto("/views")
    page.get_by_role("button", name="Pin to header “Grade 3”").click()
    expect(page.locator(".flash")).to_have_text("Pinned the view “Grade 3”: it is in the header now.")
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Grade 3").click()
    expect(page).to_have_url("/students?sort=-gpa&grade=3")
    expect(page.get_by_role("link", name="Grade 3")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("checkbox", name="3", exact=True)).to_be_checked()
    expect(names(page)).to_have_count(3)  # people: grade = number % 12 + 1, so numbers 2, 14 and 26


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_the_column_chooser_hides_a_column_and_remembers_it(new_page, people, javascript):
    page = new_page(java_script_enabled=javascript)
    page.goto("/students")
    expect(page.get_by_role("columnheader", name="Email")).to_be_visible()
    page.locator("summary", has_text="Columns").click()
    expect(page.get_by_role("checkbox", name="Name")).to_be_disabled()
    page.get_by_role("checkbox", name="Email").uncheck()
    page.get_by_role("button", name="Apply").last.click()
    expect(page.locator(".flash")).to_have_text("Saved the columns of the students list.")
    expect(page.get_by_role("columnheader", name="Email")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Name")).to_be_visible()
    page.goto("/students?grade=3")
    expect(page.get_by_role("columnheader", name="Email")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="GPA")).to_be_visible()


def test_the_views_menu_follows_the_live_search(page, people):
    """The list changes in place as one filters: the view saved is the list as it is then, not as it was loaded."""
    page.goto("/students")
    page.get_by_role("checkbox", name="3", exact=True).check()
    expect(page).to_have_url("/students?grade=3&per_page=25")
    page.locator("summary", has_text="Views").click()
    page.get_by_label("Save this list as").fill("Third grade")
    page.get_by_role("button", name="Save view").click()
    expect(page).to_have_url("/students?grade=3")  # 25 rows a page is the default, left out
    expect(names(page)).to_have_count(3)


@pytest.mark.parametrize("system, chosen, shown", [("light", "Dark", DARK_BACKGROUND), ("dark", "Light", LIGHT_BACKGROUND)])
def test_a_colour_scheme_chosen_on_the_account_page_wins_over_the_systems(new_page, people, axe_source, system, chosen, shown):
    page = new_page(color_scheme=system)
    page.goto("/account")
    has_background(page, LIGHT_BACKGROUND if system == "light" else DARK_BACKGROUND)
    page.get_by_role("radio", name=chosen, exact=True).check()
    page.get_by_role("button", name="Save colour scheme").click()
    expect(page.locator(".flash")).to_have_text("Saved your colour scheme.")
    has_background(page, shown)
    saved_view(page, "Grade 3", "/students?grade=3")
    has_background(page, shown)
    page.goto("/views")
    assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == chosen.lower()
    found = violations(page, axe_source)
    assert not found, describe(found)


def test_following_the_system_again_follows_it(new_page):
    page = new_page(color_scheme="dark")
    page.goto("/account")
    for choice, shown in (("Light", LIGHT_BACKGROUND), ("As the device is set (light or dark)", DARK_BACKGROUND)):
        page.get_by_role("radio", name=choice, exact=True).check()
        page.get_by_role("button", name="Save colour scheme").click()
        expect(page.locator(".flash")).to_have_text("Saved your colour scheme.")
        has_background(page, shown)


LONG_VIEW_NAMES = ["Advisees without email addresses", "All students with a very long saved view name indeed",
                   "Freshmen by GPA, highest first", "Grade 3 honours students", "Math 101 waiting list",
                   "Needs follow-up from counselling", "Seniors on probation this term", "Transfer students 2026"]


@pytest.fixture
def eight_pinned_views(server_app):
    with server_app.app_context():
        admin = db.session.scalar(db.select(User.id).filter_by(email=ADMIN_EMAIL))
        db.session.add_all(SavedView(owner_id=admin, resource="students", name=name, query=f"grade={number}", pinned=True)
                           for number, name in enumerate(LONG_VIEW_NAMES, 1))
        db.session.commit()


def rows(locator) -> int:
    """How many lines the elements take: their boxes' middles, those less than 10 px apart on one line."""
    middles = sorted(box["y"] + box["height"] / 2 for box in (element.bounding_box() for element in locator.all()))
    return 1 + sum(lower - upper >= 10 for upper, lower in zip(middles, middles[1:]))


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
@pytest.mark.parametrize("width", [1280, 375])
def test_many_pinned_views_show_a_few_and_the_rest_behind_more_views(new_page, eight_pinned_views, width, javascript):
    page = new_page(viewport={"width": width, "height": 800}, java_script_enabled=javascript)
    page.goto("/students")
    nav = page.get_by_role("navigation", name="Main")
    pins = nav.locator("a.pinned-view")
    expect(pins).to_have_count(3)
    for pin, name in zip(pins.all(), LONG_VIEW_NAMES):
        expect(pin).to_have_attribute("title", name)  # a name cut short is whole in its title
    more = nav.locator("summary", has_text="More views (5)")
    assert rows(pins.or_(more)) <= 2  # three pins and "More views": one row, or two on a phone
    if width == 1280:  # the links, the search and the account stay on the first row
        assert rows(nav.get_by_role("link", name="Students", exact=True).or_(page.get_by_role("button", name="Sign out"))) == 1
    expect(nav.get_by_role("link", name="Seniors on probation this term")).to_be_hidden()
    more.click()
    nav.get_by_role("link", name="Seniors on probation this term").click()
    expect(page).to_have_url("/students?grade=7")
    expect(page.get_by_role("checkbox", name="7", exact=True)).to_be_checked()
    # The view open is behind "More views": it says so, underlined as an open page's link is
    more = page.get_by_role("navigation", name="Main").locator("summary", has_text="More views (5)")
    expect(more).to_have_css("border-bottom-color", page.get_by_role("link", name="Students", exact=True).evaluate(
        "link => getComputedStyle(link).borderBottomColor"))
    more.click()
    expect(page.get_by_role("link", name="Seniors on probation this term")).to_have_attribute("aria-current", "page")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_more_views_menu_meets_wcag_21_aa(new_page, eight_pinned_views, axe_source, scheme):
    page = new_page(color_scheme=scheme)
    page.goto("/students")
    page.locator("summary", has_text="More views").click()
    expect(page.get_by_role("link", name="All saved views")).to_be_visible()
    found = violations(page, axe_source)
    assert not found, describe(found)
