"""Pre-orders for pick-up at the producers' own outlets: offers, pick-up windows, orders."""
