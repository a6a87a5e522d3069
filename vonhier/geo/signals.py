"""What geo asks of the features built on it, so that they add to its checks without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (catalogue=the dict read from a region pack's catalogue.toml) by `flask region check`; a
# receiver returns a list of problems, each starting with the criterion it concerns (the certification
# feature: rule types, what criteria apply to, parameters, evidence kinds).
pack_catalogue = _signals.signal("region-pack-catalogue")

# Sent with (pack=the region.Pack read) by `flask region check`; a receiver returns a list of problems
# with what only it knows, each naming the file and key (the payments feature: the licence tiers'
# columns and size classes, the invoice numbers the operator's prefix starts).
pack_settings = _signals.signal("region-pack-settings")
