"""Every page fits a phone, and a desktop screen zoomed to 200%: nothing scrolls sideways, the header included."""

import pytest

from .pages import PAGES

SCREENS = {
    "phone, 375 px": {"viewport": {"width": 375, "height": 740}},
    "1280 px at 200% zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
# Elements whose right edge is past the window.
STICKING_OUT = """() => [...document.body.querySelectorAll("*")]
  .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
  .map((element) => `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`)"""


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("page_type", PAGES)
def test_page_does_not_scroll_sideways(new_page, people, page_type, screen):
    page = new_page(**SCREENS[screen])
    PAGES[page_type](page)
    # A page reached by a click may show its text before its stylesheet has loaded: a phone's list was measured once
    # as an unstyled 970 px table.
    page.wait_for_load_state("load")
    width = page.evaluate("window.innerWidth")
    assert page.evaluate(STICKING_OUT) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_table_fits_a_phone_without_a_sideways_scroll(new_page, people):
    page = new_page(**SCREENS["phone, 375 px"])
    page.goto("/students")
    box = page.locator(".table-wrap")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    assert box.evaluate("box => box.getBoundingClientRect().right") <= 375
