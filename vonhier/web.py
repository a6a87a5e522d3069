"""Small helpers shared by the page views of every feature."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from .errors import abort_with
from .extensions import db
from .organisations import services as organisations
from .permissions import signed_in_user


def run(action, *args, success: str | None = None):
    """Run a service step and commit it: the one way a view changes data through a service. A refusal
    (`errors.RuleError`) goes on to errors.py (409 with the reason, nothing committed) unless the view
    catches it to show it on its own page; `success` is flashed once the change is committed."""
    result = action(*args)
    db.session.commit()
    if success:
        flash(success, "success")
    return result


def render_form(template: str, form: FlaskForm, **context):
    """Render a page with a form; a submitted form with errors answers 400 so clients see the failure."""
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


MAX_PAGE = 10_000


def page_number() -> int:
    """The `page` query argument, clamped to 1…MAX_PAGE (nonsense means the first page)."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)


@dataclass(frozen=True)
class Listing:
    """One page of a long list: its rows, its number (from 1) and whether a next page exists."""

    rows: Sequence
    number: int
    has_next: bool


def listing(fetch: Callable[[int, int], Sequence], size: int, number: int | None = None) -> Listing:
    """Page `number` (the `page` argument if not given) of a list of `size` rows a page. `fetch(limit,
    offset)` is a service's query; it is asked for one row more than the page shows, which says whether
    there is a next page without counting them all. Templates show it with `_macros.pager`."""
    number = page_number() if number is None else number
    rows = fetch(size + 1, (number - 1) * size)
    return Listing(rows[:size], number, len(rows) > size)


def current_organisation():
    """The organisation the signed-in user works for now; 403 saying what to do if there is none."""
    organisation = organisations.current(signed_in_user())
    if organisation is None:
        abort_with(403, _("Please register your business first, or ask its owner for an invitation."))
    return organisation
