"""Every kind of page, light and dark, against the WCAG 2.1 A and AA rules of axe-core."""

import pytest
from playwright.sync_api import expect

from .contrast import contrast
from .pages import PAGES

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page, axe_source) -> list[dict]:
    # Served from the page's own origin, so the Content Security Policy lets it run.
    page.context.route("**/axe.min.js", lambda route: route.fulfill(body=axe_source, content_type="text/javascript"))
    page.add_script_tag(url="/axe.min.js")
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
        ".then((results) => results.violations)",
        WCAG_21_AA,
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"  {' '.join(node['target'])}: {node['failureSummary']}".replace("\n", " "))
    return "\n".join(lines)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_type", PAGES)
def test_page_meets_wcag_21_aa(new_page, people, axe_source, page_type, scheme):
    page = new_page(color_scheme=scheme)
    PAGES[page_type](page)
    found = violations(page, axe_source)
    assert not found, describe(found)


# Pages with more than one landmark of a kind, or buttons named apart from their text: axe's best practices too
# (landmark-unique), and label-content-name-mismatch, which axe leaves off by default.
BEYOND_WCAG = ["home", "student list", "course", "enroll students", "sign-in log", "page not found", "search results",
               "move-up confirmation", "bulk action including yourself"]


@pytest.mark.parametrize("page_type", BEYOND_WCAG)
def test_page_passes_every_axe_rule(new_page, people, axe_source, page_type):
    page = new_page()
    PAGES[page_type](page)
    page.context.route("**/axe.min.js", lambda route: route.fulfill(body=axe_source, content_type="text/javascript"))
    page.add_script_tag(url="/axe.min.js")
    found = page.evaluate("axe.run(document, {rules: {'label-content-name-mismatch': {enabled: true}},"
                          " resultTypes: ['violations']}).then((results) => results.violations)")
    assert not found, describe(found)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_placeholder_text_is_readable(new_page, scheme):
    """axe leaves placeholders out, but they are text all the same: 4.5:1."""
    page = new_page(color_scheme=scheme)
    page.goto("/students")
    search = page.get_by_role("textbox", name="Advisor")
    expect(search).to_have_attribute("placeholder", "Find by name")
    text, background = search.evaluate("box => [getComputedStyle(box, '::placeholder').color, getComputedStyle(box).backgroundColor]")
    assert contrast(text, background) >= 4.5
