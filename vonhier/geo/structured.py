"""A location as schema.org data (JSON-LD): its postal address, its coordinates and its country, built the
same way for every page that describes one (a product's producer, an outlet, an organisation)."""

from babel import Locale

# Google asks for at least five decimal places; six are about 10 cm, more would be noise.
COORDINATE_DECIMALS = 6


def postal_address(location) -> dict:
    """A `PostalAddress` of a location's columns (`geo.models.LocationMixin`); empty parts left out."""
    address = {"@type": "PostalAddress", "addressLocality": location.town, "addressCountry": location.country}
    if location.street:
        address["streetAddress"] = location.street
    if location.postcode:
        address["postalCode"] = location.postcode
    return address


def coordinates(location) -> dict | None:
    """`GeoCoordinates` of a location's pin, or None for one without (an organisation may have none)."""
    if location.latitude is None or location.longitude is None:
        return None
    return {
        "@type": "GeoCoordinates",
        "latitude": round(location.latitude, COORDINATE_DECIMALS),
        "longitude": round(location.longitude, COORDINATE_DECIMALS),
    }


def country(code: str, locale: str) -> dict:
    """A `Country` by its ISO 3166-1 code, named in the page's language."""
    return {"@type": "Country", "identifier": code, "name": Locale.parse(locale).territories.get(code, code)}
