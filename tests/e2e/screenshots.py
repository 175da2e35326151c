"""`make screenshots`: the main pages, light and dark, on a desktop and a phone, into docs/screenshots/."""

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from .harness import ROOT, launch, running_server, sign_in
from .pages import PAGES

OUT = ROOT / "docs" / "screenshots"
SHOTS = {
    "home": "home",
    "list": "student list",
    "detail": "student",
    "form-errors": "student form with errors",
    "confirm-delete": "delete confirmation",
}
SCREENS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
SCHEMES = ("light", "dark")
# The same fake people every time, so pictures change only when the pages do (and with the date).
SEED = ("--users", "40", "--students", "500", "--random-seed", "6")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_server(Path(workdir), seed=SEED) as server,
        sync_playwright() as playwright,
    ):
        browser = launch(playwright)
        for screen, viewport in SCREENS.items():
            for scheme in SCHEMES:
                context = browser.new_context(base_url=server.url, viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                sign_in(page)
                for name, page_type in SHOTS.items():
                    PAGES[page_type](page)
                    path = OUT / f"{name}-{screen}-{scheme}.png"
                    page.screenshot(path=path)  # the window, not the whole page: pictures stay small
                    print(path.relative_to(ROOT))
                if (screen, scheme) == ("desktop", "light"):
                    print_shot(page)
                context.close()
        browser.close()


def print_shot(page):
    """A course's class list as the printer gets it: print media, on an A4-wide page."""
    PAGES["class list printout"](page)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    path = OUT / "class-list-print.png"
    page.screenshot(path=path)
    print(path.relative_to(ROOT))
    page.emulate_media(media="screen")


if __name__ == "__main__":
    main()
