"""Outlets (Verkaufsstellen): farm shops, market stands, vending machines and more, with opening hours."""
