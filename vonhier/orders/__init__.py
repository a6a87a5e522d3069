"""Pre-orders for pick-up at the producers' own outlets: offers, closed dates and shop settings."""
