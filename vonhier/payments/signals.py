"""What payments tell the features that build on them, so that they follow without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (actor, action=..., target=<LicenceTier, Licence or Invoice>, **detail) in the transaction
# of an admin's change to payments or tiers; the admin log records it (`admin.services`).
admin_acted = _signals.signal("payments-admin-acted")
