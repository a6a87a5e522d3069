"""The start pages ("My business", "Review") and the status pieces this feature adds to the catalogue's
product list and product page through the catalogue's signals."""

from flask import Blueprint, render_template

from ..catalogue.signals import product_head, products_listed
from ..orders import received
from ..organisations.services import current_organisation
from ..payments.connect import online_payment_state
from ..permissions import Role, requires, signed_in_user
from ..web import listing
from . import review, services

bp = Blueprint("workspace", __name__)
PAGE_SIZE = 25
START_PAGE_DATES = 5  # today's and the next pick-up dates (per outlet) with their orders


@bp.get("/business")
@requires("member")
def business():
    organisation = current_organisation()
    rows = services.product_rows(organisation.id)
    return render_template(
        "workspace/business.html",
        organisation=organisation,
        steps=services.next_steps(signed_in_user(), organisation, rows),
        products=listing(lambda limit, offset: rows[offset : offset + limit], PAGE_SIZE),
        total=len(rows),
        scans=sum(row.scans for row in rows),
        scan_days=services.SCAN_DAYS,
        online_payment=online_payment_state(organisation.id),
        pickups=received.pickup_groups(signed_in_user(), organisation.id, limit=START_PAGE_DATES),
    )


@bp.get("/review")
@requires(Role.CERTIFIER)
def review_start():
    return render_template("workspace/review.html", overview=review.overview(signed_in_user()))


@products_listed.connect
def _status_cells(organisation, products, **_) -> dict:
    """Each listed product's certification, pre-check, QR code and label link, by product id."""
    rows = services.product_rows(organisation.id, [p.id for p in products])
    return {row.product.id: render_template("workspace/_status_cell.html", row=row) for row in rows}


@product_head.connect
def _status_piece(product, **_) -> str:
    """The same on a product's page, below its name."""
    rows = services.product_rows(product.organisation_id, [product.id])
    return render_template("workspace/_status_head.html", row=rows[0]) if rows else ""
