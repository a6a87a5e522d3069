"""Small helpers shared by the page views of every feature."""

from flask import render_template, request
from flask_wtf import FlaskForm


def render_form(template: str, form: FlaskForm, **context):
    """Render a page with a form; a submitted form with errors answers 400 so clients see the failure."""
    status = 400 if request.method == "POST" and form.errors else 200
    return render_template(template, form=form, **context), status


MAX_PAGE = 10_000


def page_number() -> int:
    """The `page` query argument, clamped to 1…MAX_PAGE (nonsense means the first page)."""
    page = request.args.get("page", 1, type=int)
    return min(max(page, 1), MAX_PAGE)
