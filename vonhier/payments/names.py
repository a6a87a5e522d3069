"""Display names of licence states, payment methods, invoice states and online payment states (see
`vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add

LICENCE_STATE = add(
    "licence_state",
    {
        "none": _l("no licence"),
        "pending_payment": _l("awaiting payment"),
        "active": _l("active"),
        "expired": _l("expired"),
        "cancelled": _l("cancelled"),
    },
)

PAYMENT_METHOD = add(
    "payment_method",
    {"invoice": _l("bank transfer"), "stripe": _l("online (Stripe)"), "zero_fee": _l("zero fee")},
)

INVOICE_STATUS = add("invoice_status", {"open": _l("open"), "paid": _l("paid"), "cancelled": _l("cancelled")})

# A producer's own Stripe account for pre-orders (`connect.online_payment_state`).
CONNECT_STATE = add(
    "connect_state",
    {
        "unavailable": _l("not available"),
        "none": _l("not connected"),
        "incomplete": _l("set-up not finished"),
        "pending": _l("being checked by Stripe"),
        "ready": _l("ready for online payment"),
    },
)
