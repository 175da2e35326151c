"""The search across students, users and courses: the header's box on every page, and its results page."""

from dataclasses import dataclass

from flask import Blueprint, render_template, request
from werkzeug.datastructures import MultiDict

from listing import Page
from resources import COURSES, STUDENTS, USERS

bp = Blueprint("search", __name__, url_prefix="/search")
BEST = 5  # the best few of each kind
COUNTED = 1_000  # matches counted of each kind ("All more than 1,000 students matching"): a list counts 10,000


@dataclass(frozen=True)
class Group:
    resource: object
    page: Page  # its list searched by the same words: the same matches, the same count

    @property
    def best(self) -> list:
        return self.page.items[:BEST]


@bp.get("")
def index():
    """Students, users and courses matching what was typed, the best few of each, with links to all of them."""
    q = request.args.get("q", "")[:200]
    groups = []
    if q.strip():
        for resource in (STUDENTS, USERS, COURSES):
            listing = resource.listing
            args = listing.args(MultiDict({"q": q, "per_page": "10"}))
            groups.append(Group(resource, listing.page(args, cap=COUNTED)))
    template = "search/results.html" if request.args.get("partial") else "search/index.html"
    return render_template(template, q=q, groups=groups)
