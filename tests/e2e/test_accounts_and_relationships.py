"""Signing in and out, what a viewer may do, and choosing advisors and courses in the browser."""

from playwright.sync_api import expect

from models import Course, Enrollment, Student, User, db


PASSWORD = "a viewer's passphrase"


def add_viewer(server_app):
    with server_app.app_context():
        viewer = User(name="Vic Viewer", email="vic@example.org", role="viewer")
        viewer.set_password(PASSWORD, "pbkdf2:sha256:1000")
        db.session.add(viewer)
        db.session.commit()


def test_sign_in_look_and_sign_out(new_page, server_app, add):
    add_viewer(server_app)
    add(Student, name="Ana Álvarez", email="ana@school.example", grade=3)
    page = new_page(signed_in=False)
    page.goto("/students")
    expect(page).to_have_url("/sign-in?next=%2Fstudents")
    page.get_by_label("Email").fill("vic@example.org")
    page.get_by_label("Password").fill("not it at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-error")).to_contain_text("The email or password is not right")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url("/students")  # back where they were going
    expect(page.get_by_role("link", name="Ana Álvarez")).to_be_visible()

    # A viewer looks but does not touch: no buttons to change anything.
    expect(page.get_by_role("link", name="Add student")).to_have_count(0)
    page.get_by_role("link", name="Ana Álvarez").click()
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)
    page.goto("/students/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("You may not do this")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/sign-in")
    expect(page.locator(".flash")).to_have_text("Signed out.")
    page.goto("/students")
    expect(page).to_have_url("/sign-in?next=%2Fstudents")


def test_choose_an_advisor_and_courses_on_the_student_form(page, add, read):
    add(User, name="Ada Lovelace", email="ada@example.org")
    math = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Course, code="ART-1", title="Drawing", credits=2)
    student_id = add(Student, name="Cal Cruz", email="cal@school.example", grade=5)

    page.goto(f"/students/{student_id}/edit")
    page.get_by_label("Find advisor").fill("lovelace")
    page.get_by_label("Find advisor").press("Enter")  # searches; saves nothing yet
    page.get_by_role("radio", name="Ada Lovelace").check()
    page.get_by_label("Find courses").fill("math")
    page.get_by_role("group", name="Courses").get_by_role("button", name="Search").click()
    page.get_by_role("checkbox", name="MATH-101 Algebra").check()
    expect(page.get_by_role("radio", name="Ada Lovelace")).to_be_checked()  # the first choice is kept
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator(".flash")).to_have_text("Saved student “Cal Cruz” (cal@school.example, grade 5).")
    expect(page.locator(".details")).to_contain_text("Ada Lovelace")
    expect(page.get_by_role("link", name="MATH-101")).to_be_visible()
    [student] = read(Student)
    assert student.advisor_id is not None
    assert [e.course_id for e in read(Enrollment)] == [math]


def test_enroll_and_unenroll_from_the_course_page(page, add, read):
    course_id = add(Course, code="ART-1", title="Drawing", credits=2)
    add(Student, name="Bea Brown", email="bea@school.example", grade=4)
    page.goto(f"/courses/{course_id}")
    page.get_by_role("link", name="Enroll students").click()
    page.get_by_label("Find a student").fill("bea")
    page.get_by_label("Find a student").press("Enter")
    page.get_by_role("button", name="Enroll Bea Brown").click()
    expect(page.locator(".flash")).to_have_text("Enrolled “Bea Brown” (bea@school.example, grade 4) in ART-1.")
    expect(page.get_by_text("1 student enrolled.")).to_be_visible()
    expect(page.get_by_text("No student matches “bea” who is not enrolled already.")).to_be_visible()
    assert len(read(Enrollment)) == 1

    page.get_by_role("link", name="Back to ART-1").click()
    expect(page.get_by_role("heading", name="1 student enrolled")).to_be_visible()

    page.get_by_role("button", name="Remove Bea Brown (bea@school.example) from ART-1").click()
    expect(page.locator(".flash")).to_have_text("Took “Bea Brown” (bea@school.example, grade 4) off ART-1.")
    assert read(Enrollment) == []
