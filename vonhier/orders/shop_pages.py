"""The buyer's pages: an outlet's shop. Buyers have no account: nothing here asks for a sign-in."""

from flask import render_template, request

from . import shop
from .blueprint import bp


@bp.get("/shop/<int:outlet_id>", endpoint="shop")
def shop_page(outlet_id):
    """What can be pre-ordered at an outlet, for which dates; `product` (an id) marks the product the
    buyer came from (its provenance page, the catalogue)."""
    the_shop = shop.require_shop(outlet_id)
    chosen = request.args.get("product", type=int)
    return render_template("orders/shop.html", shop=the_shop, chosen=chosen)
