"""Every kind of page Roster shows, each reached the way a person reaches it.

The accessibility, keyboard and layout tests visit them all; the screenshot script visits some.
Each needs a few students and users in the database.
"""

from playwright.sync_api import Page, expect


def names(page: Page):
    """The names a list page shows: the first column of its table."""
    return page.locator("tbody tr td:first-child")


def first_record(page: Page, list_path: str) -> str:
    """The address of the first record the list shows."""
    page.goto(list_path)
    return page.locator("tbody a").first.get_attribute("href")


def form_with_errors(page: Page, form_path: str):
    page.goto(form_path)
    page.get_by_label("Name").fill("")
    page.get_by_label("Email").fill("not an email")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_load_state()  # the new page's stylesheet too, not only its HTML


def saved(page: Page, list_path: str):
    """A record's page with the message that it was saved."""
    page.goto(first_record(page, list_path) + "/edit")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash")).to_be_visible()
    page.wait_for_load_state()


def signed_out(page: Page, path: str):
    page.context.clear_cookies()  # not "Sign out": that would end the session the other tests share
    page.goto(path)


def picker_matches(page: Page):
    """A student's form after a search in the courses picker."""
    page.goto(first_record(page, "/students") + "/edit")
    page.get_by_label("Find courses").fill("a")
    page.get_by_role("group", name="Courses").get_by_role("button", name="Search").click()
    expect(page.get_by_text("Matches for")).to_be_visible()
    page.wait_for_load_state()


PAGES = {
    "sign-in": lambda page: signed_out(page, "/sign-in"),
    "course list": lambda page: page.goto("/courses"),
    "course": lambda page: page.goto(first_record(page, "/courses")),
    "enroll students": lambda page: page.goto(first_record(page, "/courses") + "/enroll?find=mar"),
    "course form": lambda page: page.goto(first_record(page, "/courses") + "/edit"),
    "student form with picker matches": picker_matches,
    "user delete confirmation": lambda page: page.goto(first_record(page, "/users") + "/confirm-delete"),
    "password form": lambda page: page.goto("/account/password"),
    "home": lambda page: page.goto("/"),
    "student list": lambda page: page.goto("/students"),
    "user list": lambda page: page.goto("/users?sort=-age"),
    "list with no results": lambda page: page.goto("/students?q=nobody+by+this+name&grade=3"),
    "student": lambda page: page.goto(first_record(page, "/students")),
    "user": lambda page: page.goto(first_record(page, "/users")),
    "new student form": lambda page: page.goto("/students/new"),
    "user edit form": lambda page: page.goto(first_record(page, "/users") + "/edit"),
    "student form with errors": lambda page: form_with_errors(page, "/students/new"),
    "user form with errors": lambda page: form_with_errors(page, "/users/new"),
    "saved, with a message": lambda page: saved(page, "/students"),
    "delete confirmation": lambda page: page.goto(first_record(page, "/students") + "/confirm-delete"),
    "page not found": lambda page: page.goto("/students/0"),
}
