"""Small things a desktop's 1280 px showed untidy: buttons that belong together stay together."""

from .pages import first_record

DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def test_a_courses_buttons_stay_together_on_a_desktop(new_page, people):
    page = new_page(**DESKTOP)
    page.goto(first_record(page, "/courses"))
    buttons = [page.get_by_role("link", name=name).bounding_box()
               for name in ("Enroll students", "Import enrollments", "Print class list")]
    for left, right in zip(buttons, buttons[1:]):
        assert left["y"] == right["y"]
        assert right["x"] - (left["x"] + left["width"]) <= 16  # 1rem: the gap between the buttons of any group

