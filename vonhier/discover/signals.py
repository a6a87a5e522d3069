"""What the product catalogue tells the features built on it, so that they add to its cards without being
imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (product_ids=[int]) when the catalogue shows a page of cards; a receiver returns {product id:
# HTML} shown on each card (through `web.cells`): the orders feature's "Pre-order" where there is an offer.
cards_shown = _signals.signal("catalogue-cards-shown")
