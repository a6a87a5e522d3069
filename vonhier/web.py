"""Small helpers shared by the page views of every feature, and the absolute links that mails carry."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from flask import current_app, flash, has_request_context, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup

from .arguments import Arguments
from .extensions import db


def run(action, *args, success: str | None = None):
    """Run a service step and commit it: the one way a view changes data through a service. A refusal
    (`errors.RuleError`) goes on to errors.py (409 with the reason, nothing committed) unless the view
    catches it to show it on its own page; `success` is flashed once the change is committed."""
    result = action(*args)
    db.session.commit()
    if success:
        flash(success, "success")
    return result


def panels(signal, sender, **values) -> list[Markup]:
    """What features building on this page's feature add to it: each receiver of `signal` renders its
    own piece with its own template (or returns None). The page's feature sends the signal instead of
    importing them, so arrows point down: certification adds its pre-check to a product's page, outlets
    their list to an organisation's profile, provenance its product links to an outlet's page."""
    # The receivers' output comes from autoescaping templates, never from raw input.
    return [Markup(html) for _receiver, html in signal.send(sender, **values) if html]  # noqa: S704


def cells(signal, sender, **values) -> dict[int, list[Markup]]:
    """What features building on a list's feature add to each of its rows (`panels` for a table): every
    receiver of `signal` returns {row id: HTML}; the pieces by row id, in the receivers' order. The
    catalogue's product list shows certification and labels this way without importing them."""
    found: dict[int, list[Markup]] = {}
    for _receiver, pieces in signal.send(sender, **values):
        for row_id, html in (pieces or {}).items():
            found.setdefault(row_id, []).append(Markup(html))  # noqa: S704 (rendered by templates)
    return found


def render_form(template: str, form: FlaskForm, **context):
    """Render a page with a form; a submitted form with errors answers 400 so clients see the failure."""
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


MAX_PAGE = 10_000


NO_SUCH_PAGE = _l("There is no such page.")


def page_number(name: str = "page") -> int:
    """The page of a long list asked for by the query argument `name` (1 when not given); anything but
    1…MAX_PAGE is refused with a sentence (`arguments.Refused`, 400)."""
    return Arguments(request.args).whole(name, 1, 1, MAX_PAGE, NO_SUCH_PAGE)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for mails, built from BASE_URL rather than from the request's Host header."""
    if has_request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
    with current_app.test_request_context():  # CLI jobs (reminders) write mails too
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)


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
