"""The certification blueprint, shared by its two page modules (routes.py, review_pages.py)."""

from flask import Blueprint

bp = Blueprint("certification", __name__)
