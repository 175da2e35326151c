"""Bulk actions in the browser: tick, select every matching row, set an advisor, undo; with axe finding nothing."""

from playwright.sync_api import expect

from models import Student, User

from .test_accessibility import describe, violations


def test_tick_select_all_matching_set_advisor_then_undo(page, people, read, axe_source):
    omar = read(User, email="zoe@example.org")[0]
    before = {s.id: s.advisor_id for s in read(Student)}
    page.goto("/students?per_page=10")
    page.get_by_label("Select all on this page").check()
    expect(page.get_by_text("All 10 on this page are selected.")).to_be_visible()
    page.get_by_role("button", name="Select all 30 that match").click()
    expect(page.get_by_text("All 30 students that match are selected.")).to_be_visible()
    page.get_by_label("With the selected").select_option(label="Set advisor")
    page.get_by_role("button", name="Go…").click()

    expect(page.get_by_role("heading", name="Set advisor")).to_contain_text("for 30 students")
    page.get_by_label("Find new advisor").fill("zoe")
    page.get_by_role("button", name="Search").click()
    page.get_by_label("Zoë Adams").check()
    page.get_by_role("button", name="Show what will happen").click()
    expect(page.get_by_text("will get Zoë Adams as advisor.")).to_be_visible()
    found = violations(page, axe_source)
    assert not found, describe(found)
    page.get_by_role("button", name="Set advisor for 30 students").click()

    moved = sum(advisor != omar.id for advisor in before.values())  # those she advises already do not count
    assert 0 < moved < 30
    expect(page.locator(".flash-with-undo")).to_contain_text(f"Set advisor on {moved} students.")
    assert {s.advisor_id for s in read(Student)} == {omar.id}
    page.locator(".flash-with-undo").get_by_role("button", name="Undo").click()
    expect(page.locator(".flash").first).to_contain_text(f"Undone: set advisor on {moved} students")
    assert {s.id: s.advisor_id for s in read(Student)} == before


def test_ticking_rows_counts_them_and_works_without_script(new_page, people, read):
    page = new_page(java_script_enabled=False)
    page.goto("/students?per_page=10")
    boxes = page.locator("tbody input[type=checkbox]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.get_by_label("With the selected").select_option(label="Delete")
    page.get_by_role("button", name="Go…").click()
    expect(page.get_by_role("heading", name="Delete")).to_contain_text("for 2 students")
    page.get_by_role("button", name="Delete for 2 students").click()
    expect(page.locator(".flash-with-undo")).to_contain_text("Deleted 2 students.")
    assert len(read(Student)) == 28
