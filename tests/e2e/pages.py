"""Every kind of page Roster shows, each reached the way a person reaches it.

The accessibility, keyboard and layout tests visit them all; the screenshot script visits some.
Each needs a few students and users in the database.
"""

from playwright.sync_api import Page, expect


def names(page: Page):
    """The names a list page shows: the first column of its table after the tick boxes of bulk actions, which
    editors have and viewers do not."""
    return page.locator("tbody tr > td:first-child:not(.tick), tbody tr > td.tick + td")


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
    page.get_by_label("Find courses").fill("art")  # ART-1; MATH-101, "the Art of...", is ticked already
    page.get_by_role("group", name="Courses").get_by_role("button", name="Search").click()
    expect(page.get_by_text("Matches for")).to_be_visible()
    page.wait_for_load_state()


def changed_gpa(page: Page, address: str, gpa: str):
    """Saves a new GPA on a student's form; `address` is the student's page."""
    page.goto(address + "/edit")
    page.get_by_label("GPA", exact=True).fill(gpa)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash").first).to_be_visible()


def edit_conflict(page: Page):
    """A student's form saved after a colleague saved another GPA: the screen showing both."""
    address = first_record(page, "/students")
    page.goto(address + "/edit")
    colleague = page.context.new_page()  # another tab
    changed_gpa(colleague, address, "1.23")
    colleague.close()
    page.bring_to_front()
    page.get_by_label("GPA", exact=True).fill("3.21")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("while you were editing").first).to_be_visible()
    page.wait_for_load_state()


def history(page: Page):
    address = first_record(page, "/students")
    changed_gpa(page, address, "1.23")
    page.goto(address + "/history")


def filtered_with_picks(page: Page):
    """The students list with two grades ticked and an advisor searched in the filter bar: chips and picks."""
    page.goto("/students?grade=3&grade=4")
    page.get_by_role("textbox", name="Advisor").fill("e")  # not the Columns menu's box of that name
    page.get_by_role("button", name="Find").first.click()
    expect(page.get_by_text("Advisor matching")).to_be_visible()
    page.wait_for_load_state()


def typed_in_global_search(page: Page):
    """Any page with a search typed in its header: the results below the box."""
    page.goto("/")
    page.keyboard.press("/")
    page.keyboard.type("mar")
    expect(page.locator("#global-results a").first).to_be_visible()


def shortcuts(page: Page):
    page.goto("/students")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog", name="Keyboard shortcuts")).to_be_visible()


def changes(page: Page):
    changed_gpa(page, first_record(page, "/students"), "1.23")
    page.goto("/changes")


def undo_over_later_changes(page: Page):
    """Undo of a change whose field was changed again since: the page that asks first."""
    address = first_record(page, "/students")
    changed_gpa(page, address, "1.23")
    changed_gpa(page, address, "2.34")
    page.goto(address + "/history")
    page.get_by_role("button", name="Undo").last.click()
    expect(page.get_by_role("heading", name="Undo over later changes?")).to_be_visible()
    page.wait_for_load_state()


def deleted(page: Page):
    """A student just deleted: the list with Undo in its message."""
    page.goto(first_record(page, "/students") + "/confirm-delete")
    page.get_by_role("button", name="Yes, delete student").click()
    expect(page.locator(".flash-with-undo")).to_be_visible()
    page.wait_for_load_state()


def deleted_record(page: Page):
    """The page of a student someone deleted: who did, and Restore."""
    address = first_record(page, "/students")
    deleted(page)
    page.goto(address)


def bulk_preview(page: Page):
    """Two ticked students, "Set grade", and what it will do: the bulk confirmation."""
    page.goto("/students")
    for box in page.locator("tbody input[type=checkbox]").all()[:2]:
        box.check()
    page.get_by_label("With the selected").select_option(label="Set grade")
    page.get_by_role("button", name="Go…").click()
    page.get_by_label("New grade").fill("10")
    page.get_by_role("button", name="Show what will happen").click()
    expect(page.get_by_role("heading", name="What will happen")).to_be_visible()
    page.wait_for_load_state()


def move_up_confirmation(page: Page):
    """Every student selected, "Move up a grade": the first step, which asks what becomes of grade 12."""
    page.goto("/students")
    page.get_by_role("link", name="select all on this page").click()
    page.get_by_label("With the selected").select_option(label="Move up a grade")
    page.get_by_role("button", name="Go…").click()
    expect(page.get_by_role("group", name="Students in grade 12")).to_be_visible()
    page.wait_for_load_state()


def bulk_including_yourself(page: Page):
    """Every user made an admin, the admin signed in among them: the confirmation asking "Yes, include me" (a role
    that would leave no admin is refused before it is asked)."""
    page.goto("/users")
    page.get_by_role("link", name="select all on this page").click()
    page.get_by_label("With the selected").select_option(label="Set role")
    page.get_by_role("button", name="Go…").click()
    page.get_by_label("New role").select_option(label="Admin")
    page.get_by_role("button", name="Show what will happen").click()
    expect(page.get_by_label("Yes, include me")).to_be_visible()
    page.wait_for_load_state()


def all_matching_selected(page: Page):
    """A list whose every matching row is selected, through the plain links (no script needed)."""
    page.goto("/students")
    page.get_by_role("link", name="select all on this page").click()
    page.get_by_role("link", name="Select all").click()
    expect(page.get_by_text("that match are selected")).to_be_visible()
    page.wait_for_load_state()  # the new page's stylesheet too, not only its HTML


INTAKE = b"Name,Email,Grade,Notes\nNew Student,new.student@school.example,3,likes art\n"
PROBLEMS = b"Name,Email,Grade\nNew,not-an-email,13\n"  # a bad email and a grade out of range, on row 2


def import_columns(page: Page, data: bytes = INTAKE):
    """The students' import after an upload: the page that matches the file's columns to fields."""
    page.goto("/students/import")
    page.set_input_files("#file", files=[{"name": "intake.csv", "mimeType": "text/csv", "buffer": data}])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("heading", name="Match the columns of intake.csv")).to_be_visible()
    page.wait_for_load_state()


def import_preview(page: Page, data: bytes = INTAKE):
    """The preview of an import, reached through the page that says it is checking."""
    import_columns(page, data)
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview of intake.csv")).to_be_visible()
    page.wait_for_load_state()


def list_tool(page: Page, name: str, path: str = "/students"):
    """A list with one of its tools (Views, Columns) open."""
    page.goto(path)
    page.locator("summary", has_text=name).click()
    expect(page.locator("details[open] .tool-panel")).to_be_visible()


def saved_view(page: Page, name: str, path: str):
    """Saves the list at `path` as a view named `name`, from its Views menu."""
    list_tool(page, "Views", path)
    page.get_by_label("Save this list as").fill(name)
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".flash")).to_have_text(f"Saved the view “{name}”.")


def saved_views(page: Page):
    """The saved views page with two views, one of them pinned to the header."""
    saved_view(page, "Grade 3 by GPA", "/students?grade=3&sort=-gpa")
    saved_view(page, "Courses without a teacher, and a name long enough to wrap on a phone", "/courses?teacher=none")
    page.goto("/views")
    page.get_by_role("button", name="Pin to header “Grade 3 by GPA”").click()
    expect(page.locator(".site-nav .pinned-view")).to_be_visible()
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
    "edit conflict": edit_conflict,
    "record history": history,
    "changes": changes,
    "undo over later changes": undo_over_later_changes,
    "deleted, with undo": deleted,
    "deleted record": deleted_record,
    "sign-in log": lambda page: page.goto("/sign-ins"),
    "bulk confirmation": bulk_preview,
    "move-up confirmation": move_up_confirmation,
    "bulk action including yourself": bulk_including_yourself,
    "list with all matching selected": all_matching_selected,
    "list filtered, with picks": filtered_with_picks,
    "two-letter search": lambda page: page.goto("/students?q=ma"),
    "search results": lambda page: page.goto("/search?q=mar"),
    "search as typed": typed_in_global_search,
    "keyboard shortcuts": shortcuts,
    "class list printout": lambda page: page.goto(first_record(page, "/courses") + "/print"),
    "student list printout": lambda page: page.goto("/students/print?grade=3&sort=-gpa"),
    "import upload": lambda page: page.goto("/students/import"),
    "import columns": import_columns,
    "import preview": import_preview,
    "import preview with problems": lambda page: import_preview(page, PROBLEMS),
    "list with its views menu open": lambda page: list_tool(page, "Views"),
    "list with its columns menu open": lambda page: list_tool(page, "Columns", "/users"),
    "saved views": saved_views,
    "account": lambda page: page.goto("/account"),
}
