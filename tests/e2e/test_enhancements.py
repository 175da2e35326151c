"""What static/roster.js adds: the list follows the search box, and a changed form asks before it is left."""

import re

from playwright.sync_api import Page, expect

from .pages import first_record, form_with_errors, names



def list_requests(page: Page) -> list[str]:
    """The URLs the page fetches in the background from now on."""
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if request.resource_type == "fetch" else None)
    return fetched


def test_search_updates_the_list_as_you_type(page, people):
    page.goto("/students")
    page.evaluate("window.notReloaded = true")
    fetched = list_requests(page)
    search = page.get_by_role("searchbox", name="Search")
    search.press_sequentially("alv", delay=40)
    expect(names(page)).to_have_text(["Ana Álvarez"])
    expect(page).to_have_url(re.compile(r"\?(.*&)?q=alv(&|$)"))
    expect(page.get_by_role("status")).to_have_text("Showing 1–1 of 1 students")
    expect(page.get_by_role("link", name="Clear", exact=True)).to_be_visible()
    assert len(fetched) == 1, "typing quickly should fetch the list once, after the last key"

    search.press_sequentially("arez", delay=40)
    expect(page).to_have_url(re.compile(r"\?(.*&)?q=alvarez(&|$)"))
    expect(names(page)).to_have_text(["Ana Álvarez"])
    search.press_sequentially("zz")
    expect(page.get_by_role("status")).to_have_text(re.compile("^No students match “alvarezzz”"))
    search.clear()
    expect(page).not_to_have_url(re.compile("q="))
    expect(names(page)).to_have_count(25)
    expect(page.get_by_role("link", name="Clear", exact=True)).not_to_be_attached()
    expect(search).to_be_focused()
    assert page.evaluate("window.notReloaded")


def test_list_address_after_live_search_shows_the_same_list(page, people):
    page.goto("/students")
    page.get_by_role("searchbox", name="Search").press_sequentially("bea")
    expect(names(page)).to_have_text(["Bea Brown"])
    page.reload()
    expect(names(page)).to_have_text(["Bea Brown"])
    expect(page.get_by_role("searchbox", name="Search")).to_have_value("bea")


def test_search_works_the_same_without_javascript(new_page, people):
    page = new_page(java_script_enabled=False)
    page.goto("/students")
    page.get_by_role("searchbox", name="Search").fill("alv")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page).to_have_url(re.compile(r"/students\?q=alv&"))
    expect(names(page)).to_have_text(["Ana Álvarez"])
    page.get_by_role("group", name="Grade").get_by_label("5", exact=True).check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"[?&]grade=5(&|$)"))
    expect(page.locator(".empty")).to_contain_text("No students match “alv” with these filters.")


def test_a_filter_updates_the_list_without_leaving_the_page(page, people):
    page.goto("/students")
    page.evaluate("window.notReloaded = true")
    grade = page.get_by_role("group", name="Grade")
    grade.get_by_label("4", exact=True).focus()
    page.keyboard.press("Space")  # ticked as a keyboard user ticks it
    expect(page).to_have_url(re.compile(r"\?(.*&)?grade=4(&|$)"))
    expect(names(page)).to_have_text(["Bea Brown", "Person 11", "Person 23"])
    expect(grade.get_by_label("4", exact=True)).to_be_focused()
    expect(grade.get_by_label("4", exact=True)).to_be_checked()

    page.keyboard.press("Tab")  # on to grade 5, and tick it too: either grade
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"\?(.*&)?grade=4&grade=5(&|$)"))
    expect(names(page)).to_have_text(["Bea Brown", "Person 00", "Person 11", "Person 12", "Person 23", "Person 24"])
    expect(grade.get_by_label("5", exact=True)).to_be_focused()
    assert page.evaluate("window.notReloaded")


class Dialogs:
    """Answers the page's dialogs ("accept" or "dismiss") and remembers which kinds it saw."""

    def __init__(self, page: Page, answer: str):
        self.answer = answer
        self.seen = []
        page.on("dialog", self.handle)

    def handle(self, dialog):
        self.seen.append(dialog.type)
        dialog.accept() if self.answer == "accept" else dialog.dismiss()


def test_leaving_a_changed_form_asks_first(page):
    page.goto("/students/new")
    page.get_by_label("Name").fill("Half Typed")
    dialogs = Dialogs(page, "dismiss")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_label("Name")).to_have_value("Half Typed")
    assert dialogs.seen == ["beforeunload"]
    expect(page).to_have_url("/students/new")

    dialogs.answer = "accept"
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url("/students")
    assert dialogs.seen == ["beforeunload", "beforeunload"]


def test_leaving_an_unchanged_form_or_saving_does_not_ask(page, people):
    dialogs = Dialogs(page, "dismiss")
    page.goto(first_record(page, "/students") + "/edit")
    page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("link", name="Edit")).to_be_visible()

    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Grade").fill("9")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("Saved student")
    assert dialogs.seen == []


def test_leaving_a_form_shown_again_with_errors_asks_first(page):
    form_with_errors(page, "/students/new")
    dialogs = Dialogs(page, "dismiss")
    page.get_by_role("link", name="Cancel").click()
    expect(page).to_have_url("/students/new")
    assert dialogs.seen == ["beforeunload"]
