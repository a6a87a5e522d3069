"""What outlets tell the features that build on them, so that they follow without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (outlet) when its public page is shown; a receiver returns an HTML piece (its own template's
# output) or None, shown under "Available here" (`web.panels`): provenance lists the products it sells.
page_shown = _signals.signal("outlet-page-shown")
# Sent (no sender) by the finder when a shopper asks for outlets that take pre-orders; a receiver returns
# a SQL condition on `Outlet` (the orders feature: one EXISTS on its offers). No answer, no such outlet.
pre_order_condition = _signals.signal("outlet-pre-order-condition")
