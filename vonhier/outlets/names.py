"""Display names of outlet kinds (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add
from .models import OutletKind

OUTLET_KIND = add(
    "outlet_kind",
    {
        OutletKind.FARM_SHOP: _l("Farm shop"),
        OutletKind.MARKET_STAND: _l("Market stand"),
        OutletKind.VENDING_MACHINE: _l("Vending machine"),
        OutletKind.DELIVERY: _l("Veg box or delivery"),
        OutletKind.CSA_DEPOT: _l("CSA pick-up depot (Solawi)"),
        OutletKind.ONLINE_SHOP: _l("Online shop"),
        OutletKind.RESTAURANT: _l("Restaurant or canteen"),
    },
)
