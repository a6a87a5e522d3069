"""What provenance asks of the features built on it, so that they add to a product's page without being
imported (the orders feature comes after provenance: it answers these, provenance never imports it)."""

from blinker import Namespace

_signals = Namespace()

# Sent with (product_id) when a product's page is rendered; a receiver returns a list of
# `services.PreOrder` (where the product can be pre-ordered: outlet, price, link, schema.org `Offer`).
# The page shows them under "Pre-order" and its JSON-LD carries them as `offers`.
pre_orders = _signals.signal("product-pre-orders")
# Sent with (rows=[changed objects]) at every flush that changed rows of models provenance does not know;
# a receiver returns SELECTs of the product ids whose pages show any of them (the orders feature: an
# offer's product, the products offered at a changed outlet). Their revisions are raised in the same
# transaction, as for provenance's own models (`revisions._raise_revisions`).
rows_shown = _signals.signal("provenance-rows-shown")
