"""What outlets tell the features that build on them, so that they follow without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (outlet) when its public page is shown; a receiver returns an HTML piece (its own template's
# output) or None, shown under "Available here" (`web.panels`): provenance lists the products it sells.
page_shown = _signals.signal("outlet-page-shown")
