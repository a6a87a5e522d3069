"""Display names of licence states, payment methods and invoice states (see `vonhier/display_names.py`)."""

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
