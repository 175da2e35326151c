"""Two tabs on one student, and Undo, driven in the browser."""

from decimal import Decimal

from playwright.sync_api import expect

from models import Student

from .pages import first_record


def test_a_conflict_shows_both_values_and_saving_again_keeps_yours(page, people, read):
    address = first_record(page, "/students")
    page.goto(address + "/edit")
    colleague = page.context.new_page()
    colleague.goto(address + "/edit")
    colleague.get_by_label("GPA", exact=True).fill("1.23")
    colleague.get_by_label("Grade", exact=True).fill("9")
    colleague.get_by_role("button", name="Save", exact=True).click()
    expect(colleague.locator(".flash").first).to_contain_text("Saved student")  # their save is done, then the tab closes
    colleague.close()

    page.bring_to_front()
    page.get_by_label("GPA", exact=True).fill("3.21")
    page.get_by_role("button", name="Save", exact=True).click()
    gpa = page.get_by_label("GPA", exact=True)
    expect(gpa).to_have_value("3.21")
    expect(page.locator("#gpa-error")).to_contain_text("saved “1.23” here")
    expect(page.get_by_label("Grade", exact=True)).to_have_value("9")  # their other change, kept
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".flash").first).to_contain_text("Saved student")
    [student] = read(Student, id=int(address.rsplit("/", 1)[1]))
    assert (student.gpa, student.grade) == (Decimal("3.21"), 9)


def test_undo_in_the_message_after_a_delete_brings_the_student_back(page, people, read):
    address = first_record(page, "/students")
    id = int(address.rsplit("/", 1)[1])
    page.goto(address + "/confirm-delete")
    page.get_by_role("button", name="Yes, delete student").click()
    assert read(Student, id=id) == []
    listed = page.url  # the list a delete goes back to: where Undo is pressed, and where it comes back
    page.locator(".flash-with-undo").get_by_role("button", name="Undo").click()
    expect(page).to_have_url(listed)
    expect(page.locator(".flash").first).to_contain_text("Restored student")
    assert len(read(Student, id=id)) == 1
