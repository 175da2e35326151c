"""A class list printed on A4 and Letter, every page printed without the screen's controls, and lists that fit a
phone as a card per row under a header that shows all of itself."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from models import Course, Enrollment, Student, User, db

PHONE = {"viewport": {"width": 375, "height": 740}}


@pytest.fixture
def big_class(server_app):
    """A course of 80 students: more than one printed sheet, and more than a page of its list."""
    with server_app.app_context():
        course = Course(code="BIO-1", title="Biology", credits=3)
        students = [Student(name=f"Pupil {n:02}", email=f"p{n}@school.example", grade=n % 12 + 1) for n in range(80)]
        db.session.add_all([course, *students])
        db.session.flush()
        db.session.add_all(Enrollment(student_id=s.id, course_id=course.id) for s in students)
        db.session.commit()
        return course.id


def sheets(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_class_list_prints_every_student_with_no_controls(page, big_class, tmp_path):
    page.goto(f"/courses/{big_class}")
    page.get_by_role("link", name="Print class list").click()
    page.emulate_media(media="print")
    page.screenshot(path=tmp_path / "class-list-print.png", full_page=True)  # the print-media screenshot
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Back")).to_be_hidden()
    expect(page.locator("tbody tr")).to_have_count(80)
    expect(page.locator("thead .print-title")).to_be_visible()
    assert page.locator("thead").evaluate("head => getComputedStyle(head).display") == "table-header-group"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_class_list_fits_the_paper_across_several_sheets(page, big_class, paper):
    page.goto(f"/courses/{big_class}/print")
    page.emulate_media(media="print")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.evaluate("document.documentElement.clientWidth") >= width  # nothing cut off at the side
    assert sheets(page.pdf(format=paper)) >= 2


def test_a_course_page_prints_its_record_without_buttons_or_forms(page, big_class):
    page.goto(f"/courses/{big_class}")
    page.emulate_media(media="print")
    expect(page.get_by_role("button", name=re.compile("off BIO-1")).first).to_be_hidden()
    for search in page.locator("form[role=search]").all():  # the page's own, and the header's
        expect(search).to_be_hidden()
    expect(page.locator(".print-header")).to_be_visible()


def test_a_list_printed_by_someone_who_may_edit_shows_no_bulk_bar_or_tick_boxes(page, people):
    page.goto("/students?select=page")
    expect(page.locator(".bulk-bar")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".bulk-bar")).to_be_hidden()
    expect(page.locator("th.tick, td.tick")).to_have_count(26)
    for cell in page.locator("th.tick, td.tick").all():
        expect(cell).to_be_hidden()
    expect(page.locator("tbody tr").first.locator("td").nth(1)).to_be_visible()  # the name, printed


def test_a_phone_shows_every_column_of_a_list_as_a_card(new_page, people):
    page = new_page(**PHONE)
    page.goto("/students")
    first = page.locator("tbody tr").first
    assert first.evaluate("row => row.getBoundingClientRect().right") <= 375
    labels = first.locator("td[data-label]").evaluate_all(
        "cells => cells.slice(1).map(cell => getComputedStyle(cell, '::before').content)")
    assert labels == ['"Email"', '"Grade"', '"GPA"', '"Enrolled"', '"Advisor"', '"Courses"']
    expect(first.locator("td").nth(1)).to_be_visible()


def test_a_phone_keeps_the_sortable_headers_as_links(new_page, people):
    page = new_page(**PHONE)
    page.goto("/students")
    page.get_by_role("link", name="GPA").click()
    expect(page).to_have_url(re.compile(r"sort=gpa"))


def test_a_phone_shows_no_sort_row_for_a_table_that_does_not_sort(new_page, people, server_app):
    with server_app.app_context():
        advisor = db.session.scalar(db.select(Student.advisor_id).limit(1))
    page = new_page(**PHONE)
    page.goto(f"/users/{advisor}")  # the advisees' table: no header sorts it
    expect(page.locator("thead").first).to_be_hidden()
    expect(page.locator("tbody tr").first).to_be_visible()


def test_a_phone_wraps_a_pickers_match_between_words(new_page, people):
    page = new_page(**PHONE)
    page.goto("/students/new")
    page.get_by_label("Find advisor").fill("María")
    page.get_by_label("Find advisor").press("Enter")
    name = page.locator("label.option.match").filter(has_text="maria@example.org")
    expect(name).to_be_visible()
    # the name's own text ("María José") on one line: the email beside it wraps, not the name
    lines = name.evaluate("label => { const r = document.createRange(); r.selectNodeContents(label.querySelector('span').firstChild);"
                          " return new Set([...r.getClientRects()].map(rect => Math.round(rect.top))).size }")
    assert lines == 1


@pytest.mark.parametrize("path", ["/students?sort=-email", "/students/{id}", "/courses/{course}"])
def test_a_phone_wraps_an_email_after_a_dot_or_before_the_at_not_inside_a_word(new_page, people, server_app, path):
    with server_app.app_context():
        student = db.session.scalar(db.select(Student.id).where(Student.email.startswith("aurelia.")))
        course = db.session.scalar(db.select(Course.id).where(Course.code == "MATH-101"))
    page = new_page(**PHONE)
    page.goto(path.format(id=student, course=course))
    email = page.locator("td, dd").filter(has_text="aurelia.featherstonehaugh.0@students.example.edu").first
    expect(email).to_be_visible()
    assert email.evaluate("cell => cell.getBoundingClientRect().height") > 30  # too long for one line at 375 px
    # each run of its text between break points ("featherstonehaugh.", "@students.") on one line of its own
    lines = email.evaluate("""cell => {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT), lines = [];
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const range = document.createRange();
            range.selectNodeContents(node);
            lines.push(new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size);
        }
        return lines;
    }""")
    assert len(lines) > 1 and max(lines) == 1, lines


@pytest.mark.parametrize("path, current", [("/changes", "Changes"), ("/students", "Students")])
def test_the_phone_header_shows_all_of_itself_without_scrolling_sideways(new_page, people, path, current):
    page = new_page(**PHONE)
    page.goto(path)
    nav = page.locator(".site-nav")
    assert nav.evaluate("nav => nav.scrollWidth <= nav.clientWidth")
    for item in [*page.locator(".nav-links a").all(), page.get_by_role("combobox", name="Search everything"),
                 page.get_by_role("button", name="Sign out"), page.locator(".account > a")]:
        box = item.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, item
        expect(item).to_be_in_viewport(ratio=1)
    expect(page.locator(".nav-links a[aria-current=page]")).to_have_text(current)
    assert page.locator(".site-header").bounding_box()["height"] < 160  # three short rows, not a screenful


def test_a_printed_class_lists_dates_stay_on_one_line(new_page, server_app):
    """On A4's width, long emails and names squeeze the columns: a date wrapped ("12 Dec / 2023"), as none should."""
    with server_app.app_context():
        course = Course(code="ART-1", title="Art", credits=1)
        advisor = User(name="Λεωνίδας Ακριώτης Παπαδόπουλος", email="leonidas@example.org")
        db.session.add(advisor)
        db.session.flush()
        students = [Student(name=f"Alphonse De Oliveira {n}", email=f"alphonse.de.oliveira.{n}@students.example.edu",
                            grade=9, gpa=3.5, enrolled_on=date(2023, 12, 12), advisor_id=advisor.id) for n in range(5)]
        db.session.add_all([course, *students])
        db.session.flush()
        db.session.add_all(Enrollment(student_id=s.id, course_id=course.id) for s in students)
        db.session.commit()
        id = course.id
    page = new_page(viewport={"width": 794, "height": 1123})  # A4 at 96 dpi
    page.goto(f"/courses/{id}/print")
    page.emulate_media(media="print")
    lines = page.locator('td[data-label="Enrolled"]').evaluate_all(
        "cells => cells.map(cell => { const range = document.createRange(); range.selectNodeContents(cell);"
        " return new Set([...range.getClientRects()].map(rect => Math.round(rect.top))).size; })")
    assert lines == [1] * 5, lines
