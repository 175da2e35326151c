"""Saved views: a list saved under a name, opened again from the list, the header (pinned) and /views; renamed,
pinned, deleted and, by admins, shared."""

import pytest

import preferences
from helpers import read, signed_in
from models import Course, Preferences, SavedView, Student, User, db


@pytest.fixture
def school(add):
    """An advisor with a grade-3 advisee, a grade-7 student, and a course with a teacher."""
    advisor = add(User, name="Lisa Padilla", email="lisa@example.org")
    add(Student, name="Ana Álvarez", email="ana@school.example", grade=3, advisor_id=advisor)
    add(Student, name="Bea Brown", email="bea@school.example", grade=7)
    course = add(Course, code="ART-1", title="Drawing", credits=2, teacher_id=advisor)
    return {"advisor": advisor, "course": course}


def save(client, name="Grade 3", query="grade=3", resource="students", **more):
    return client.post("/views", data={"resource": resource, "query": query, "name": name, **more})


def view_named(app, name) -> SavedView:
    [view] = read(app, SavedView, name=name)
    return view


def test_saving_a_view_keeps_the_lists_query_and_opens_it(app, client, school):
    response = save(client, query="grade=3&sort=-gpa&per_page=50")
    assert response.status_code == 302 and response.location == "/students?sort=-gpa&per_page=50&grade=3"
    view = view_named(app, "Grade 3")
    assert (view.resource, view.query, view.pinned, view.shared) == ("students", "sort=-gpa&per_page=50&grade=3", False, False)
    html = client.get(response.location).get_data(as_text=True)
    assert "Saved the view “Grade 3”." in html
    assert "Ana Álvarez" in html and "Bea Brown" not in html


def test_a_saved_query_is_read_as_the_list_reads_it(app, client, school):
    save(client, query="grade=3&grade=4&bogus=1&page=4&advisor_find=lisa&cursor=x&per_page=7&q=%20ana%20")
    assert view_named(app, "Grade 3").query == "q=ana&grade=3&grade=4"


def test_the_lists_views_menu_links_to_its_saved_views(app, client, school):
    save(client)
    save(client, name="All courses", query="", resource="courses")
    html = client.get("/students").get_data(as_text=True)
    assert '<a href="/students?grade=3">Grade 3</a>' in html
    assert "All courses</a>" not in html
    assert '<a href="/courses">All courses</a>' in client.get("/courses").get_data(as_text=True)


def test_the_save_form_carries_the_list_as_shown_with_its_chosen_columns(app, client, school):
    client.post("/account/columns", data={"resource": "students", "columns": ["name", "grade"]})
    html = client.get("/students?grade=3&page=1&sort=-gpa").get_data(as_text=True)
    assert '<input type="hidden" name="query" value="sort=-gpa&amp;grade=3&amp;columns=name&amp;columns=grade">' in html


def test_renaming_a_view(app, client, school):
    save(client)
    view = view_named(app, "Grade 3")
    response = client.post(f"/views/{view.id}/rename", data={"name": "Third graders"})
    assert response.status_code == 302 and response.location == "/views"
    assert "Renamed the view “Grade 3” to “Third graders”." in client.get("/views").get_data(as_text=True)
    assert view_named(app, "Third graders").query == "grade=3"


def test_renaming_to_a_name_taken_says_so_at_the_field_and_changes_nothing(app, client, school):
    save(client)
    save(client, name="Grade 7", query="grade=7")
    view = view_named(app, "Grade 7")
    response = client.post(f"/views/{view.id}/rename", data={"name": "Grade 3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'id="name-{view.id}-error">You have a view of students named “Grade 3” already: choose another name.' in html
    assert view_named(app, "Grade 7").id == view.id


def test_a_pinned_view_is_in_the_header_until_unpinned(app, client, school):
    save(client)
    view = view_named(app, "Grade 3")
    link = '<a class="pinned-view" href="/students?grade=3" title="Grade 3">Grade 3</a>'
    assert link not in client.get("/").get_data(as_text=True)
    assert client.post(f"/views/{view.id}/pin").location == "/views"
    assert view_named(app, "Grade 3").pinned
    assert link in client.get("/").get_data(as_text=True)
    client.post(f"/views/{view.id}/unpin")
    assert link not in client.get("/").get_data(as_text=True)


def test_deleting_a_view(app, client, school):
    save(client)
    view = view_named(app, "Grade 3")
    response = client.post(f"/views/{view.id}/delete")
    assert response.location == "/views"
    assert "Deleted the view “Grade 3”." in client.get("/views").get_data(as_text=True)
    assert read(app, SavedView) == []


def test_an_admin_shares_a_view_and_everyone_finds_it(app, client, client_as, school):
    save(client, shared="y")
    assert view_named(app, "Grade 3").shared
    viewer = client_as("viewer")
    assert '<a href="/students?grade=3">Grade 3</a> <span class="muted">shared by Root Admin</span>' in viewer.get("/students").get_data(as_text=True)
    html = viewer.get("/views").get_data(as_text=True)
    assert "Shared with everyone" in html and '<a href="/students?grade=3">Grade 3</a>' in html


def test_a_view_not_shared_is_its_owners_alone(app, client, client_as, school):
    save(client)
    assert "Grade 3</a>" not in client_as("viewer").get("/students").get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "editor"])
def test_only_admins_see_the_share_box_and_a_forged_share_is_refused(app, client, client_as, school, role):
    assert 'name="shared"' in client.get("/students").get_data(as_text=True)
    other = client_as(role)
    assert 'name="shared"' not in other.get("/students").get_data(as_text=True)
    assert save(other, shared="y").status_code == 403
    assert read(app, SavedView) == []


def test_a_shared_view_is_renamed_by_admins_only_once_its_owner_is_demoted(app, client, client_as, school):
    ann = client_as("admin")
    save(ann, shared="y")
    view = view_named(app, "Grade 3")
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == "admin@example.org").values(role="viewer"))
        db.session.commit()
    assert 'name="name"' not in ann.get("/views").get_data(as_text=True)  # no Rename for it
    assert ann.post(f"/views/{view.id}/rename", data={"name": "Call 555-0100 to keep your account"}).status_code == 403
    assert view_named(app, "Grade 3").shared
    assert ann.post(f"/views/{view.id}/delete").status_code == 302  # taking it away is still theirs to do
    assert read(app, SavedView) == []


def test_viewers_save_views_too(app, client_as, school):
    viewer = client_as("viewer")
    assert save(viewer).status_code == 302
    assert view_named(app, "Grade 3").owner_id == read(app, User, email="viewer@example.org")[0].id


@pytest.mark.parametrize("name, message", [
    ("", "Give the view a name."),
    ("   ", "Give the view a name."),
    ("x" * 81, "Shorten it to 80 characters or fewer."),
    ("Grade 3", "You have a view of students named “Grade 3” already: choose another name."),
    ("GRADE 3", "You have a view of students named “Grade 3” already: choose a name that differs by more than its "
                "capitals."),
    ("grade\u00a03", "You have a view of students named “Grade 3” already: choose a name that differs by more than "
                     "its capitals."),
])
def test_a_bad_name_is_said_at_the_field_and_nothing_is_saved(app, client, school, name, message):
    save(client, query="")
    response = save(client, name=name)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<div class="field-error" id="name-error"><p>{message}</p></div>' in html
    assert [view.query for view in read(app, SavedView)] == [""]


def test_renaming_to_a_name_taken_but_for_its_capitals_is_refused(app, client, school):
    save(client, name="Grade 3 by GPA")
    save(client, name="Grade 7", query="grade=7")
    view = view_named(app, "Grade 7")
    html = client.post(f"/views/{view.id}/rename", data={"name": "grade 3 by gpa"}).get_data(as_text=True)
    assert "named “Grade 3 by GPA” already: choose a name that differs by more than its capitals." in html
    assert view_named(app, "Grade 7").id == view.id


def test_a_view_may_be_renamed_to_its_own_name_in_other_capitals(app, client, school):
    save(client, name="grade 3 by gpa")
    view = view_named(app, "grade 3 by gpa")
    assert client.post(f"/views/{view.id}/rename", data={"name": "Grade 3 by GPA"}).status_code == 302
    assert view_named(app, "Grade 3 by GPA").id == view.id


def test_the_database_refuses_a_name_taken_but_for_its_capitals(app, client, school):
    """The backstop of the form's check, for a save racing another: each backend compares the stored key."""
    save(client, name="Grade 3 by GPA")
    owner = read(app, User, email="root@example.org")[0].id
    with app.app_context():
        assert preferences.save_view(owner, "students", "GRADE 3 BY GPA", "grade=3", False) is None
        assert preferences.save_view(owner, "courses", "GRADE 3 BY GPA", "", False) is not None
    assert sorted(view.name for view in read(app, SavedView)) == ["GRADE 3 BY GPA", "Grade 3 by GPA"]


def test_the_same_name_may_name_views_of_two_lists_and_of_two_people(app, client, client_as, school):
    save(client, query="")
    assert save(client, resource="courses", query="").status_code == 302
    assert save(client_as("viewer"), query="").status_code == 302
    assert len(read(app, SavedView, name="Grade 3")) == 3


def test_a_view_of_a_list_that_does_not_exist_is_refused(app, client):
    assert save(client, resource="sign_ins").status_code == 400
    assert read(app, SavedView) == []


@pytest.mark.parametrize("action, data", [("rename", {"name": "Mine now"}), ("pin", {}), ("unpin", {}), ("delete", {})])
@pytest.mark.parametrize("shared", ["", "y"])
def test_another_users_view_cannot_be_changed(app, client, client_as, school, action, data, shared):
    save(client, shared=shared)
    view = view_named(app, "Grade 3")
    assert client_as("editor").post(f"/views/{view.id}/{action}", data=data).status_code == 404
    assert view_named(app, "Grade 3").pinned is False


def test_a_post_without_the_csrf_token_writes_nothing(app, make_app, school):
    guarded = signed_in(make_app(WTF_CSRF_ENABLED=True), "root@example.org")
    assert save(guarded).status_code == 400
    assert guarded.post("/account", data={"color_scheme": "dark"}).status_code == 400
    assert read(app, SavedView) == [] and read(app, Preferences) == []


@pytest.mark.parametrize("resource, argument, label, target", [
    ("students", "advisor", "advisor", "advisor"),
    ("students", "course", "course", "course"),
    ("courses", "teacher", "teacher", "advisor"),
])
def test_a_view_whose_filter_names_a_deleted_row_opens_without_that_filter(app, client, school, resource, argument, label, target):
    model = Course if target == "course" else User
    save(client, resource=resource, query=f"{argument}={school[target]}&sort=-{'gpa' if resource == 'students' else 'credits'}")
    with app.app_context():
        db.session.delete(db.session.get(model, school[target]))
        db.session.commit()
    opened = client.get(f"/{resource}?{view_named(app, 'Grade 3').query}")
    assert opened.status_code == 302 and opened.location == f"/{resource}?sort=-{'gpa' if resource == 'students' else 'credits'}"
    html = client.get(opened.location).get_data(as_text=True)
    assert f"The {label} this list was filtered by no longer exists; that filter was dropped." in html


def test_a_users_views_go_with_them(app, client_as, school):
    save(client_as("viewer"))
    with app.app_context():
        db.session.execute(db.delete(User).where(User.email == "viewer@example.org"))
        db.session.commit()
    assert read(app, SavedView) == []


def test_the_views_page_lists_ones_own_views_with_their_actions(app, client, school):
    save(client)
    view = view_named(app, "Grade 3")
    html = client.get("/views").get_data(as_text=True)
    for action in ("rename", "pin", "delete"):
        assert f'action="/views/{view.id}/{action}"' in html
    assert "Shared with everyone" not in html  # nobody shares anything


def test_the_views_page_says_when_there_are_none(client):
    assert "You have no saved views yet." in client.get("/views").get_data(as_text=True)
