"""Display names of the ways a supplier delivers (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add

DELIVERY = add(
    "delivery", {"pickup": _l("Pick-up"), "own": _l("Own delivery"), "partner": _l("Logistics partner")}
)
