"""What the catalogue tells other features, so that they can follow products without the catalogue
importing them (certification and search build on the catalogue, never the other way round)."""

from blinker import Namespace

_signals = Namespace()

# Sent with (product, previous=ProductVersion | None, version=ProductVersion) after a new data version;
# certification listens, so that certificates notice changes without the catalogue knowing about them.
version_recorded = _signals.signal("product-version-recorded")
# Sent with (product) after a product was archived or brought back; the search index listens.
status_changed = _signals.signal("product-status-changed")
# Sent with (product, version=ProductVersion) when a member opens a product's page that has data; a
# receiver returns an HTML panel (Markup) or None, shown after the figures. Certification contributes
# its pre-check this way: the page shows it, but the catalogue neither imports certification nor lets
# its template run certification's queries.
product_page = _signals.signal("product-page")
# Sent with (product) when a member opens a product's page; a receiver returns an HTML piece shown under
# the product's name (its certificate, QR code and labels, from the workspace feature) or "".
product_head = _signals.signal("product-head")
# Sent with (organisation, products=[Product]) when a member lists products; a receiver returns
# {product id: HTML} for the list's status column (shown through `web.cells`).
products_listed = _signals.signal("products-listed")
# Sent with (product_ids=[int]) by any page that links products; a receiver returns {product id: public
# path} (provenance answers with each product's provenance page). Features below provenance — the
# register, the supplier search — link products this way without importing it.
product_paths = _signals.signal("product-paths")
