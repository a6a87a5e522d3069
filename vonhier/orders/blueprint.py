"""The orders blueprint, shared by its page modules (routes.py: the producer's offers; shop_pages.py: the
buyer's shop), and the price and deadline texts their templates use."""

from flask import Blueprint

from . import names, prices

bp = Blueprint("orders", __name__, url_prefix="/orders")


@bp.context_processor
def _template_helpers():
    return {
        "price_text": prices.price_text,
        "unit_price_text": prices.unit_price_text,
        "estimate_text": prices.estimate_text,
        "quantity_text": prices.quantity_text,
        "deadline_text": names.deadline_text,
    }
