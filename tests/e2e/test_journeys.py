"""What staff do in Roster, start to finish, in the browser: browse, create, edit, delete."""

import re
from dataclasses import dataclass
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from models import Student, User

from .pages import names


@dataclass(frozen=True)
class Kind:
    """One kind of record, as its pages present it."""

    model: type
    noun: str
    plural: str
    sort_label: str  # the column the browse journey sorts by
    valid: dict  # a form filled in right, by field label
    mistake: tuple[str, str, str]  # a field label, a wrong value, and the error it shows
    change: tuple[str, str]  # a field label and a new value, for the edit journey
    already: tuple[str, ...] = ()  # who is listed before the test adds anyone: the admin it signs in as

    def told_apart(self, values: dict) -> str:
        """What the pages show after a person's name to tell them apart: the email (and a student's grade)."""
        values = {key.lower(): value for key, value in values.items()}
        email = values["email"].lower()
        return f"{email}, grade {values['grade']}" if self.model is Student else email

    def row(self, name: str, rank: int) -> dict:
        """A record whose `sort_label` column orders it by `rank`."""
        email = re.sub(r"\W+", ".", name.lower()) + "@example.org"
        if self.model is Student:
            return {"name": name, "email": email, "grade": 5, "gpa": Decimal(rank).scaleb(-1)}
        return {"name": name, "email": email, "age": 20 + rank}


KINDS = {
    "students": Kind(
        Student, "student", "students", "GPA",
        valid={"Name": "Ana Álvarez", "Email": "ana@school.example", "Grade": "7", "GPA": "3.25"},
        mistake=("Email", "ana-at-school", "Enter an email address like name@example.org."),
        change=("Grade", "8"),
    ),
    "users": Kind(
        User, "user", "users", "Age",
        valid={"Name": "Ada Lovelace", "Email": "ada@example.org", "Age": "36"},
        mistake=("Age", "360", "Enter a whole number from 0 to 150."),
        change=("Age", "37"),
        already=("Test Admin",),  # no age: last when sorted by age
    ),
}


def fill(page: Page, values: dict):
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)


def save(page: Page):
    page.get_by_role("button", name="Save", exact=True).click()


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_browse_sort_search_and_page(page, add, kind):
    # 30 people: two pages of 25. By name Ana and Bea come first; by the sort column Bea is lowest, Ana highest.
    add(kind.model, **kind.row("Ana Álvarez", 30))
    add(kind.model, **kind.row("Bea Brown", 0))
    for number in range(1, 29):
        add(kind.model, **kind.row(f"Person {number:02}", number))

    total = 30 + len(kind.already)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=kind.plural.capitalize()).click()
    expect(page.locator(".summary")).to_have_text(f"Showing 1–25 of {total} {kind.plural}")
    expect(names(page)).to_have_count(25)
    expect(names(page).first).to_have_text("Ana Álvarez")

    header = page.get_by_role("columnheader", name=kind.sort_label, exact=True)  # "age" is in "Select all on this page" too
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(names(page).first).to_have_text("Bea Brown")
    header.get_by_role("link").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(names(page).first).to_have_text("Ana Álvarez")

    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".summary")).to_have_text(f"Showing 26–{total} of {total} {kind.plural}")
    expect(names(page)).to_have_text(["Person 04", "Person 03", "Person 02", "Person 01", "Bea Brown", *kind.already])
    expect(header).to_have_attribute("aria-sort", "descending")
    page.get_by_role("link", name="← Previous").click()
    expect(page.locator(".summary")).to_have_text(f"Showing 1–25 of {total} {kind.plural}")
    expect(names(page).first).to_have_text("Ana Álvarez")

    page.get_by_role("searchbox", name="Search").fill("ALVAREZ")
    page.get_by_role("searchbox", name="Search").press("Enter")
    expect(page).to_have_url(re.compile(r"q=ALVAREZ"))
    expect(names(page)).to_have_text(["Ana Álvarez"])
    expect(page.locator(".summary")).to_have_text(f"Showing 1–1 of 1 {kind.plural}")
    page.get_by_role("link", name="Clear").click()
    expect(page.locator(".summary")).to_have_text(f"Showing 1–25 of {total} {kind.plural}")


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_create_with_a_mistake_then_fix_it(page, read, kind):
    label, wrong, error = kind.mistake
    page.goto(f"/{kind.plural}")
    page.get_by_role("link", name=f"Add {kind.noun}").click()
    fill(page, {**kind.valid, label: wrong})
    save(page)

    field = page.get_by_label(label, exact=True)
    expect(page.locator(".field-error")).to_have_text([error])
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(error)
    expect(field).to_be_focused()
    assert read(kind.model) == []

    field.fill(kind.valid[label])
    save(page)
    name = kind.valid["Name"]
    expect(page.locator(".flash")).to_have_text(f"Saved {kind.noun} “{name}” ({kind.told_apart(kind.valid)}).")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    [record] = read(kind.model)
    expect(page).to_have_url(f"/{kind.plural}/{record.id}")

    page.get_by_role("link", name=kind.plural.capitalize(), exact=True).first.click()
    expect(names(page)).to_have_text([name, *kind.already])


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_edit(page, add, read, kind):
    record_id = add(kind.model, **kind.row("Cleo Cole", 10))
    label, value = kind.change
    page.goto(f"/{kind.plural}")
    page.get_by_role("link", name="Cleo Cole").click()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit Cleo Cole {kind.told_apart(kind.row('Cleo Cole', 10))}")
    fill(page, {"Name": "Cleo Cole-Smith", label: value})
    save(page)

    expect(page).to_have_url(f"/{kind.plural}/{record_id}")
    expect(page.locator(".flash")).to_contain_text(f"Saved {kind.noun} “Cleo Cole-Smith” (cleo.cole@example.org")
    expect(page.locator(".details")).to_contain_text(value)
    [record] = read(kind.model)
    assert (record.name, str(getattr(record, label.lower()))) == ("Cleo Cole-Smith", value)


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_delete_after_confirming(page, add, read, kind):
    add(kind.model, **kind.row("Dan Dale", 1))
    add(kind.model, **kind.row("Eve Ezra", 2))
    page.goto(f"/{kind.plural}")
    page.get_by_role("link", name="Dan Dale").click()

    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete {kind.noun} “Dan Dale”? {kind.told_apart(kind.row('Dan Dale', 1))}")
    page.get_by_role("link", name="No, keep it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dan Dale")
    assert len(read(kind.model)) == 2

    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name=f"Yes, delete {kind.noun}").click()
    expect(page).to_have_url(f"/{kind.plural}")
    expect(page.locator(".flash")).to_have_text(f"Deleted {kind.noun} “Dan Dale” ({kind.told_apart(kind.row('Dan Dale', 1))}).")
    expect(names(page)).to_have_text(["Eve Ezra", *kind.already])
    assert [record.name for record in read(kind.model)] == ["Eve Ezra"]
