"""What payments tell the features that build on them, so that they follow without being imported."""

from blinker import Namespace

_signals = Namespace()

# Sent with (actor, action=..., target=<LicenceTier, Licence or Invoice>, **detail) in the transaction
# of an admin's change to payments or tiers; the admin log records it (`admin.services`).
admin_acted = _signals.signal("payments-admin-acted")

# Stripe Connect: sent in the transaction of a verified, first-seen webhook event of a connected
# account, with the object as Stripe says it is now (re-fetched on that account, never the event's
# copy) and `account=<ConnectedAccount>`, `event_type=...`. A receiver (the orders feature) acts on it
# and returns a short outcome to record with the event ("paid", "released"), or None if not its own.
# `connected_checkout`: sender is the Checkout Session (completed, expired, async payment settled).
connected_checkout = _signals.signal("payments-connected-checkout")
# `connected_refund`: sender is the charge (`charge.refunded`: a refund, also one made by the producer
# in Stripe's dashboard; `amount_refunded` is the total so far).
connected_refund = _signals.signal("payments-connected-refund")
