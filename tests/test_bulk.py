"""Bulk actions: on the ticked rows or on every row a list matches, behind a confirmation that counts, set-based,
one change set each, undoable."""

import json
import re

import pytest

from helpers import PASSWORD, read, signed_in
from models import Change, ChangeSet, Course, Enrollment, Student, User, db


def students(add, n, **values):
    return add.many(Student, [{"name": f"Student {i:03}", "email": f"s{i}@school.example", "grade": 9, **values}
                              for i in range(n)])


def confirm(client, path, **form):
    """Posts the action's first step, then its preview, then confirms what the preview showed."""
    form.setdefault("then", "preview")
    page = client.post(path, data=form)
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    assert hidden, html
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"').replace("&quot;", '"')
    return client.post(path, data={**form, **hidden, "then": "run"}), html


def newest_change_set(app):
    return max(read(app, ChangeSet), key=lambda c: c.id)


def test_set_advisor_on_every_matching_student_is_one_undoable_change_set(client, app, add):
    lisa, omar = add(User, name="Lisa Padilla", email="lisa@example.org"), add(User, name="Omar Haddad", email="omar@example.org")
    ids = students(add, 30, advisor_id=lisa) + students(add, 0)
    other = add(Student, name="Other", email="other@school.example", grade=10, advisor_id=lisa)
    response, preview = confirm(client, "/students/bulk", action="set-advisor", all="1", query="grade=9",
                                advisor_id=str(omar))
    assert "30 students will get Omar Haddad as advisor." in preview
    assert "Now: Lisa Padilla (30)." in preview
    assert response.status_code == 302 and response.headers["Location"] == "/students?grade=9"
    assert {s.id for s in read(app, Student, advisor_id=omar)} == set(ids)
    assert read(app, Student, id=other)[0].advisor_id == lisa
    change_set = newest_change_set(app)
    assert change_set.summary == "set advisor on 30 students"
    changes = read(app, Change, change_set_id=change_set.id)
    assert len(changes) == 30
    assert json.loads(changes[0].data) == {"advisor_id": [lisa, omar]}
    assert json.loads(changes[0].labels) == {"advisor_id": {str(lisa): "Lisa Padilla", str(omar): "Omar Haddad"}}
    assert {s.version for s in read(app, Student, advisor_id=omar)} == {2}
    page = client.get("/students?grade=9", follow_redirects=True).get_data(as_text=True)
    assert "Set advisor on 30 students." in page
    client.post(f"/changes/{change_set.id}/undo")
    assert {s.id for s in read(app, Student, advisor_id=lisa)} == set(ids) | {other}
    assert newest_change_set(app).summary == "undid “set advisor on 30 students”"
    assert "Bulk: undid “set advisor on 30 students”" in client.get("/changes").get_data(as_text=True)


def test_all_matching_posts_the_lists_query_with_each_of_several_values(client, app, add):
    students(add, 3, grade=9)
    add(Student, name="Tenth", email="tenth@school.example", grade=10)
    add(Student, name="Eleventh", email="eleventh@school.example", grade=11)
    page = client.get("/students?grade=9&grade=10").get_data(as_text=True)
    bulk_form = page[page.index('id="bulk"'):]
    query = re.search(r'<input type="hidden" name="query" value="([^"]*)"', bulk_form).group(1).replace("&amp;", "&")
    assert query == "grade=9&grade=10"
    confirm(client, "/students/bulk", action="set-grade", all="1", query=query, grade="12")
    assert sorted(s.grade for s in read(app, Student)) == [11, 12, 12, 12, 12]


def test_ticked_rows_only(client, app, add):
    ids = students(add, 5)
    confirm(client, "/students/bulk", action="set-grade", id=[str(i) for i in ids[:2]], grade="11")
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 9, 11, 11]


def test_move_up_a_grade_keeps_or_deletes_grade_12(client, app, add):
    nine, twelve = students(add, 3, grade=9), add(Student, name="Senior", email="senior@school.example", grade=12)
    eleven = add(Student, name="Junior", email="junior@school.example", grade=11)
    response, preview = confirm(client, "/students/bulk", action="move-up", all="1", query="", twelfth="keep")
    assert "Grade 9 → 10: 3 students." in preview and "Grade 12: 1 student, who stay in grade 12." in preview
    assert sorted(s.grade for s in read(app, Student)) == [10, 10, 10, 12, 12]
    assert {s.grade for s in read(app, Student) if s.id in nine} == {10}
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    page = client.post("/students/bulk", data={"action": "move-up", "all": "1", "query": "", "twelfth": "delete",
                                               "then": "preview"}).get_data(as_text=True)
    assert "Tick this to confirm that the grade 12 students are deleted." in page
    confirm(client, "/students/bulk", action="move-up", all="1", query="", twelfth="delete", delete_twelfth="y")
    assert sorted(s.grade for s in read(app, Student)) == [10, 10, 10, 12]  # the grade 11 student is in 12 now
    assert read(app, Student, id=eleven)[0].grade == 12 and read(app, Student, id=twelve) == []
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 9, 11, 12]
    assert read(app, Student, id=twelve)[0].name == "Senior"


def test_moving_up_with_grade_12_deleted_says_how_many_moved_and_how_many_were_deleted(client, app, add):
    students(add, 3, grade=9)
    add(Student, name="Senior", email="senior@school.example", grade=12)
    response, _ = confirm(client, "/students/bulk", action="move-up", all="1", query="", twelfth="delete",
                          delete_twelfth="y")
    assert "Moved 3 students up a grade and deleted 1 student in grade 12." in client.get(
        response.headers["Location"]).get_data(as_text=True)
    assert newest_change_set(app).summary == "moved 3 students up a grade and deleted 1 student in grade 12"


def test_enroll_and_remove_from_a_course(client, app, add):
    ids = students(add, 4)
    course = add(Course, code="MATH-101", title="Algebra", credits=3)
    add(Enrollment, student_id=ids[0], course_id=course)
    response, preview = confirm(client, "/students/bulk", action="enroll", all="1", query="grade=9", course_id=str(course))
    assert "3 students will be enrolled in MATH-101 Algebra." in preview and "1 student is on it already." in preview
    assert sorted(e.student_id for e in read(app, Enrollment, course_id=course)) == sorted(ids)
    changes = read(app, Change, change_set_id=newest_change_set(app).id)
    course_change = [c for c in changes if c.table_name == "courses"][0]
    assert sorted(json.loads(course_change.data)["student_ids"]["+"]) == sorted(ids[1:])
    assert len([c for c in changes if c.table_name == "students"]) == 3
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert [e.student_id for e in read(app, Enrollment, course_id=course)] == [ids[0]]
    confirm(client, "/students/bulk", action="unenroll", all="1", query="", course_id=str(course))
    assert read(app, Enrollment) == []


def test_delete_students_with_enrollments_and_undo_brings_them_back(client, app, add):
    ids = students(add, 3, gpa=None)
    course = add(Course, code="ART-1", title="Art", credits=1)
    add.many(Enrollment, [{"student_id": id, "course_id": course} for id in ids])
    response, preview = confirm(client, "/students/bulk", action="delete", all="1", query="")
    assert "3 students will be deleted." in preview and "3 enrollments will be removed with them." in preview
    assert read(app, Student) == [] and read(app, Enrollment) == []
    deleted = read(app, Change, change_set_id=newest_change_set(app).id)
    assert json.loads(deleted[0].data)["course_ids"] == [[course], None]
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert sorted(s.id for s in read(app, Student)) == sorted(ids)
    assert len(read(app, Enrollment)) == 3


def test_viewers_see_no_checkboxes_and_may_not_post(client_as, add):
    students(add, 2)
    viewer = client_as("viewer")
    assert 'name="id"' not in viewer.get("/students").get_data(as_text=True)
    assert viewer.post("/students/bulk", data={"action": "delete", "all": "1", "query": ""}).status_code == 403


@pytest.mark.parametrize("select, ticked", [("page", True), ("all", True), ("", False)])
def test_the_header_box_is_ticked_when_the_whole_page_is_selected(client, add, select, ticked):
    students(add, 3)
    html = client.get(f"/students?select={select}").get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" form="bulk"[^>]*>', html)  # the header's, then each row's
    assert len(boxes) == 4 and "data-tick-all" in boxes[0]
    assert [" checked" in box for box in boxes] == [ticked] * 4


def test_a_forged_query_string_is_refused(client, app, add):
    students(add, 2)
    response = client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "grade=9&evil=1"})
    assert response.status_code == 400
    assert "evil" in response.get_data(as_text=True)
    assert len(read(app, Student)) == 2


def test_a_row_changed_after_the_confirmation_asks_again(client, app, add):
    ids = students(add, 3)
    form = {"action": "set-grade", "all": "1", "query": "", "grade": "10", "then": "preview"}
    html = client.post("/students/bulk", data=form).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    hidden["previewed"] = hidden["previewed"].replace("&#34;", '"')
    confirm(client, "/students/bulk", action="set-grade", id=[str(ids[0])], grade="11")  # a colleague, meanwhile
    page = client.post("/students/bulk", data={**form, **hidden, "then": "run"})
    assert page.status_code == 200
    assert "1 of these students changed since you were shown what would happen" in page.get_data(as_text=True)
    assert sorted(s.grade for s in read(app, Student)) == [9, 9, 11]


def test_the_last_admin_cannot_be_demoted_and_oneself_needs_a_second_yes(client, app, add):
    root = read(app, User)[0]
    page = client.post("/users/bulk", data={"action": "set-role", "id": [str(root.id)], "query": "", "role": "viewer",
                                            "then": "preview"}).get_data(as_text=True)
    assert "This would leave no active admin" in page
    other = add(User, name="Second Admin", email="second@example.org", role="admin")
    page = client.post("/users/bulk", data={"action": "deactivate", "id": [str(root.id), str(other)], "query": ""})
    assert "This would leave no active admin" in page.get_data(as_text=True)
    add(User, name="Third Admin", email="third@example.org", role="admin")
    response, preview = confirm(client, "/users/bulk", action="set-role", id=[str(root.id)], query="", role="editor")
    assert "You are one of them" in response.get_data(as_text=True)
    assert read(app, User, id=root.id)[0].role == "admin"


@pytest.mark.parametrize("form, message", [
    ({"action": "set-grade", "grade": "13"}, "A grade is a whole number from 1 to 12."),
    ({"action": "set-grade", "grade": "nine"}, "A grade is a whole number from 1 to 12."),
    ({"action": "enroll"}, "Choose a course."),
    ({"action": "enroll", "course_id": "999999"}, "A chosen course no longer exists"),
])
def test_bad_choices_are_said_at_the_field_and_write_nothing(client, app, add, form, message):
    students(add, 2)
    page = client.post("/students/bulk", data={**form, "all": "1", "query": "", "then": "run"})
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert [s.grade for s in read(app, Student)] == [9, 9] and read(app, Enrollment) == []
    assert read(app, ChangeSet) == [] or all(c.summary is None for c in read(app, ChangeSet))


def test_a_deactivated_advisor_is_refused(client, app, add):
    students(add, 2)
    gone = add(User, name="Left School", email="left@example.org", active=False)
    page = client.post("/students/bulk", data={"action": "set-advisor", "all": "1", "query": "",
                                               "advisor_id": str(gone), "then": "preview"})
    assert "Left School has been deactivated: choose someone active." in page.get_data(as_text=True)
    assert {s.advisor_id for s in read(app, Student)} == {None}


def test_ticked_ids_that_no_longer_exist_are_said_and_left_out(client, app, add):
    ids = students(add, 2)
    response, preview = confirm(client, "/students/bulk", action="set-grade", id=[str(ids[0]), "999999"], grade="4")
    assert "1 of the 2 ticked students no longer exist" in preview
    assert sorted(s.grade for s in read(app, Student)) == [4, 9]


def test_a_selection_that_matches_nothing_writes_nothing(client, app, add):
    students(add, 2)
    page = client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "q=nobody", "then": "run"})
    assert "No students match that search any more. Nothing was changed." in page.get_data(as_text=True)
    assert len(read(app, Student)) == 2


def test_no_selection_and_no_action_go_back_to_the_list_saying_why(client, add):
    students(add, 1)
    response = client.post("/students/bulk", data={"action": "delete", "query": "grade=9"}, follow_redirects=True)
    assert response.request.full_path == "/students?grade=9"
    assert "Tick the students to act on, or select all that match." in response.get_data(as_text=True)
    response = client.post("/students/bulk", data={"action": "frobnicate", "all": "1"}, follow_redirects=True)
    assert "Choose what to do with the selected rows." in response.get_data(as_text=True)


def test_a_post_without_the_csrf_token_is_refused(app, client, add):
    students(add, 2)
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/students/bulk", data={"action": "delete", "all": "1", "query": "", "then": "run"})
    assert response.status_code == 400
    assert len(read(app, Student)) == 2


def test_editors_may_not_act_on_users(client_as, add):
    editor = client_as("editor")
    assert 'name="id"' not in editor.get("/users").get_data(as_text=True)
    response = editor.post("/users/bulk", data={"action": "deactivate", "all": "1", "query": ""})
    assert response.status_code == 403


def test_deactivating_users_signs_them_out_and_reactivating_lets_them_back(app, client, add):
    with app.app_context():
        for n in range(2):
            user = User(name=f"Leaver {n}", email=f"leaver{n}@example.org", role="viewer")
            user.set_password(PASSWORD, app.config["PASSWORD_HASH_METHOD"])
            db.session.add(user)
        db.session.commit()
    leaver = signed_in(app, "leaver0@example.org")
    assert leaver.get("/students").status_code == 200
    confirm(client, "/users/bulk", action="deactivate", all="1", query="q=leaver")
    assert {u.active for u in read(app, User) if u.name.startswith("Leaver")} == {False}
    assert leaver.get("/students").status_code == 302  # signed out: back to the sign-in page
    confirm(client, "/users/bulk", action="reactivate", all="1", query="q=leaver")
    assert {u.active for u in read(app, User) if u.name.startswith("Leaver")} == {True}


def test_deactivating_a_teacher_says_who_still_has_them_as_advisor_and_teacher(client, app, add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org")
    students(add, 3, advisor_id=lisa)
    add(Course, code="BIO-1", title="Biology", credits=2, teacher_id=lisa)
    response, preview = confirm(client, "/users/bulk", action="deactivate", id=[str(lisa)], query="")
    assert "3 students will still have one of them as advisor: “Set advisor” on the students list" in preview
    assert "1 course will still have one of them as teacher: “Set teacher” on the courses list" in preview
    assert response.status_code == 302 and read(app, User, id=lisa)[0].active is False


def test_deleting_users_unlinks_their_advisees_and_undo_relinks_them(client, app, add):
    lisa = add(User, name="Lisa Padilla", email="lisa@example.org")
    ids = students(add, 3, advisor_id=lisa)
    course = add(Course, code="BIO-1", title="Biology", credits=2, teacher_id=lisa)
    response, preview = confirm(client, "/users/bulk", action="delete", id=[str(lisa)], query="")
    assert "3 students will have no advisor." in preview and "1 course will have no teacher." in preview
    assert read(app, User, id=lisa) == [] and {s.advisor_id for s in read(app, Student)} == {None}
    client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert read(app, User, id=lisa)[0].name == "Lisa Padilla"
    assert {s.id: s.advisor_id for s in read(app, Student)} == dict.fromkeys(ids, lisa)
    assert read(app, Course, id=course)[0].teacher_id == lisa


def test_courses_get_a_new_teacher_and_can_be_deleted(client, app, add):
    omar = add(User, name="Omar Haddad", email="omar@example.org")
    courses = add.many(Course, [{"code": f"C-{n}", "title": f"Course {n}", "credits": 1} for n in range(3)])
    confirm(client, "/courses/bulk", action="set-teacher", all="1", query="", teacher_id=str(omar))
    assert {c.teacher_id for c in read(app, Course)} == {omar}
    confirm(client, "/courses/bulk", action="delete", id=[str(courses[0])], query="")
    assert sorted(c.id for c in read(app, Course)) == courses[1:]


@pytest.mark.parametrize("action", ["set-grade", "move-up", "enroll", "delete"])
def test_the_statements_of_a_bulk_action_do_not_grow_with_its_rows(client, app, add, count_statements, action):
    course = add(Course, code="MATH-1", title="Algebra", credits=3)
    form = {"grade": "4", "twelfth": "keep", "course_id": str(course)}
    counted = []
    for n in (3, 30):
        students(add, n) if n == 3 else add.many(Student, [{"name": f"More {i}", "email": f"m{i}@school.example",
                                                             "grade": 9} for i in range(n - 3)])
        hidden = confirm_hidden(client, {"action": action, "all": "1", "query": "", **form})
        count_statements.clear()
        response = client.post("/students/bulk", data={"action": action, "all": "1", "query": "", **form, **hidden,
                                                       "then": "run"})
        assert response.status_code == 302
        counted.append(len(count_statements))
        client.post(f"/changes/{newest_change_set(app).id}/undo")
    assert counted[0] == counted[1]


def confirm_hidden(client, form) -> dict:
    html = client.post("/students/bulk", data={**form, "then": "preview"}).get_data(as_text=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(newest|count|previewed)" value="([^"]*)"', html))
    return {**hidden, "previewed": hidden["previewed"].replace("&#34;", '"')}


def test_the_confirmation_counts_what_the_rows_have_now_with_the_rest_summed_up(client, add):
    for grade in range(1, 8):
        add.many(Student, [{"name": f"G{grade} {n}", "email": f"g{grade}.{n}@school.example", "grade": grade}
                           for n in range(grade)])
    html = client.post("/students/bulk", data={"action": "set-grade", "all": "1", "query": "", "grade": "7",
                                               "then": "preview"}).get_data(as_text=True)
    assert "21 students will have grade 7." in html
    assert "Now: grade 6 (6), grade 5 (5), grade 4 (4), grade 3 (3), grade 2 (2) and 1 other." in html
    assert "7 students have grade 7 already: nothing changes for them." in html


def test_the_first_rows_of_more_matches_than_the_count_cap_are_found_in_order_by_name_or_advisor(app, client, add):
    app.config.update(LIST_COUNT_CAP=3)  # past the cap: found along the name order, each row checked
    marsh = add(User, name="Lisa Marsh", email="marsh@example.org")
    add.many(Student, [{"name": f"{first} {i}", "email": f"{first}{i}@school.example", "grade": 9,
                        "advisor_id": marsh if first == "Zed" else None}
                       for first in ("Anna", "Mark", "Zed", "Bob") for i in range(3)])
    html = client.post("/students/bulk", data={"action": "set-grade", "all": "1", "query": "q=mar", "then": "preview",
                                               "grade": "4"}).get_data(as_text=True)
    named = re.findall(r"<strong>(\w+ \d)</strong>", html)
    assert named == ["Mark 0", "Mark 1", "Mark 2", "Zed 0", "Zed 1"], named
    assert "and 1 more" in html


@pytest.mark.parametrize("action, values", [("set-advisor", {}), ("set-grade", {"grade": "4"}), ("delete", {})])
def test_the_confirmation_names_the_first_rows_in_the_lists_order(client, add, action, values):
    lisa, omar = add(User, name="Lisa Padilla", email="lisa@example.org"), add(User, name="Omar Haddad", email="omar@example.org")
    add.many(Student, [{"name": f"Student {i}", "email": f"s{i}@school.example", "grade": 9 - i % 2,
                        "advisor_id": (lisa, omar)[i % 3 == 0]} for i in range(1, 8)])
    html = client.post("/students/bulk", data={"action": action, "all": "1", "query": "sort=-name", "then": "preview",
                                               "advisor_id": str(omar), **values}).get_data(as_text=True)
    named = re.findall(r"<strong>(Student \d)</strong>", html)
    assert named == ["Student 7", "Student 6", "Student 5", "Student 4", "Student 3"], named
    assert "and 2 more" in html


def test_the_change_set_is_named_for_the_rows_that_changed(client, app, add):
    lisa, omar = add(User, name="Lisa Padilla", email="lisa@example.org"), add(User, name="Omar Haddad", email="omar@example.org")
    students(add, 3, advisor_id=lisa)
    add(Student, name="Has Omar", email="has.omar@school.example", grade=9, advisor_id=omar)
    response, _ = confirm(client, "/students/bulk", action="set-advisor", all="1", query="grade=9", advisor_id=str(omar))
    assert newest_change_set(app).summary == "set advisor on 3 students"
    assert len(read(app, Change, change_set_id=newest_change_set(app).id)) == 3
    assert "Set advisor on 3 students." in client.get("/students", follow_redirects=True).get_data(as_text=True)


def test_an_action_that_changes_no_row_writes_no_change_set(client, app, add):
    omar = add(User, name="Omar Haddad", email="omar@example.org")
    students(add, 4, advisor_id=omar)
    before = len(read(app, ChangeSet))
    response, _ = confirm(client, "/students/bulk", action="set-advisor", all="1", query="grade=9", advisor_id=str(omar))
    assert response.status_code == 302
    assert len(read(app, ChangeSet)) == before
    page = client.get("/students", follow_redirects=True).get_data(as_text=True)
    assert "Nothing changed: all 4 have that already." in page and "Undo" not in page
