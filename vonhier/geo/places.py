"""Where a site, an outlet or an organisation's pin lies: a town or a pin turned into coordinates on land
we serve (with region and German state computed), the places a name may mean, and a warning for a pin
far from its town. One rule for every feature that puts something on the map."""

from dataclasses import dataclass
from functools import lru_cache

from babel import Locale
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from ..errors import RuleError
from . import gazetteer
from .services import haversine_km, in_default_region

PIN_NEAR_TOWN_KM = 30  # Berlin reaches about 25 km from its centre point in the gazetteer


class LocationError(RuleError):
    """A place we cannot put on the map: an unknown town, or coordinates off the land we serve."""


@dataclass
class Location:
    latitude: float
    longitude: float
    in_region: bool
    state: str  # ISO code of the German state (BB, BE, …), "" abroad


def candidate_places(name: str, country: str | None = "DE", prefix: bool = True) -> list[gazetteer.Place]:
    """Places a producer may mean, those inside the region first: several villages share a name."""
    places = gazetteer.lookup(name, country=country, prefix=prefix)
    return sorted(places, key=lambda p: not in_default_region(p.latitude, p.longitude))


def best_place(name: str, country: str | None = "DE") -> gazetteer.Place | None:
    """The place a name most likely means (exact names only: data must not guess from prefixes)."""
    places = candidate_places(name, country, prefix=False)
    return places[0] if places else None


def locate(town: str, country: str = "DE") -> gazetteer.Place:
    """Coordinates for a town from the offline gazetteer, or a LocationError saying what to do."""
    place = best_place(town, country)
    if place is None:
        message = _l(
            "We do not know the town “%(town)s”. Please place a pin on the map or enter the coordinates.",
            town=town,
        )
        raise LocationError([str(message)])
    return place


def resolve_location(data: dict) -> Location:
    """Coordinates from `data` (a pin) or from its town via the gazetteer; they must lie on land we
    serve. Region membership and the German state are computed, never typed in. Used for sites,
    outlets and organisations' pins alike."""
    lat, lon = data.get("latitude"), data.get("longitude")
    found = None
    if lat is None or lon is None:
        found = locate(data["town"], data.get("country", "DE"))
        lat, lon = found.latitude, found.longitude
    if not gazetteer.is_on_served_land(lat, lon):
        raise LocationError(
            [
                str(
                    _l(
                        "These coordinates are not near any town we know (are they out at sea?). "
                        "Please check them."
                    )
                )
            ]
        )
    if found is None:
        # A pin: the state of the nearest known place (near a state border it may be the neighbour's).
        found, _km = gazetteer.nearest(lat, lon)
    state = found.state if found is not None and found.country == "DE" else ""
    return Location(lat, lon, in_default_region(lat, lon), state)


def location_warning(place) -> str | None:
    """A translated warning when a site's or outlet's pin lies far from every known place called
    like its town: a typo in either would put it in the wrong spot on every map. Only a warning,
    because the gazetteer lacks many villages (a "Neuendorf" may be found only far away)."""
    places = gazetteer.lookup(place.town, country=place.country or None, limit=50) if place.town else []
    if not places:
        return None
    km = min(haversine_km(place.latitude, place.longitude, p.latitude, p.longitude) for p in places)
    if km <= PIN_NEAR_TOWN_KM:
        return None
    return str(
        _l(
            "Please check the location: the pin lies %(km)s km from %(town)s.",
            km=format_decimal(round(km)),
            town=place.town,
        )
    )


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """Countries and world regions by folded name, German and English ("Dänemark", "Denmark"), each
    to its name as written in that language: an origin abroad is named, not put on the map."""
    names = {}
    for language in ("en", "de"):  # German last: "Dänemark", not "Denmark", where both fold alike
        for name in Locale.parse(language).territories.values():
            names[gazetteer.fold(name)] = name
    return names


def country_named(name: str) -> str | None:
    """The country or world region called `name` (any case, umlauts or not), as written; else None."""
    return _countries().get(gazetteer.fold(name))


def countries_starting(text: str, limit: int = 5) -> list[str]:
    """Countries and world regions whose name starts with `text` (folded), shortest first."""
    key = gazetteer.fold(text)
    if len(key) < 2:
        return []
    found = {name for folded, name in _countries().items() if folded.startswith(key)}
    return sorted(found, key=lambda n: (len(n), n))[:limit]
