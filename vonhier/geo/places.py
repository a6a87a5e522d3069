"""Where a site, an outlet or an organisation's pin lies: a town or a pin turned into coordinates on land
we serve (with region and German state computed), the places a name may mean, and a warning for a pin
far from its town. One rule for every feature that puts something on the map. And the place a shopper
types into a search (`resolve_place`): one rule for every search that takes a typed place."""

from dataclasses import dataclass, replace
from functools import lru_cache

from babel import Locale
from flask_babel import format_decimal, get_locale
from flask_babel import lazy_gettext as _l

from .. import region
from ..arguments import Refused
from ..errors import RuleError
from ..region import ROOT, read_toml
from . import gazetteer
from .services import default_region, haversine_km, in_default_region, km_outside

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


# --- the place typed into a search -----------------------------------------------------------------

NEAR_REGION_KM = 30  # a place this close to the region counts as near it (Słubice, Pasewalk)
CLEARLY_BIGGER = 10  # a place this many times bigger than the next of its name is the one meant
MAX_CHOICES = 6
TOWN_TO_TELL_APART = 5000  # inhabitants of the town a choice is named by ("Golzow, Seelow")
# The German states as written in addresses: (German, English); typed either way, or as the code.
# Country data (every state, data/states-de.toml): a region's own states are named by its pack (`state_name`).
STATES = {code: tuple(names) for code, names in read_toml(ROOT / "data" / "states-de.toml").items()}
_STATE_KEYS = {gazetteer.fold(name): code for code, names in STATES.items() for name in (code, *names)}


@dataclass(frozen=True)
class Choice:
    """One place an ambiguous name may mean: its name, what tells it apart ("near Seelow,
    Brandenburg") and the text that means it alone ("Golzow, Seelow"), to search for again."""

    name: str
    detail: str
    text: str


class AmbiguousPlace(Refused):
    """A name that means several places alike: `choices` says which (the message lists their texts,
    for clients that cannot show links)."""

    def __init__(self, typed: str, choices: list[Choice]):
        super().__init__(
            _l(
                "“%(typed)s” may mean several places: %(choices)s. Please say which one.",
                typed=typed,
                choices="; ".join(choice.text for choice in choices),
            )
        )
        self.typed = typed
        self.choices = choices


def resolve_place(text: str, reach_km: float = NEAR_REGION_KM) -> gazetteer.Place:
    """The place a shopper means by `text` — a town ("Frankfurt"), a postcode ("15230"), or a name
    told apart after a comma by a state, a postcode or a town nearby ("Falkenberg, Berlin",
    "Golzow, Seelow") — with the name to show ("Frankfurt (Oder)"). `reach_km`: how far outside the
    region the caller's search can still find something (its largest radius). Else `Refused` with a
    translated sentence: an unknown place; a place farther than `reach_km` outside the region ("München
    liegt rund 430 km außerhalb der Region"); or `AmbiguousPlace` with the choices.

    The rule: exact names (with or without a suffix: "Frankfurt" is "Frankfurt (Oder)") before names
    starting with the text; among them the places in the region first, then those within
    NEAR_REGION_KM of it, then the rest — whatever their size, so "Frankfurt" is Frankfurt (Oder)
    and "Brandenburg" Brandenburg an der Havel. Within the first of these groups that has any, the
    biggest place is meant when it has CLEARLY_BIGGER times the inhabitants of the next (Schöneberg,
    Berlin over the village of 955; Mittenwalde over its namesake of 488); otherwise the name is
    ambiguous (three Golzows of about 1,000; Falkenberg 7,830 and 2,462) and the choices are offered,
    each told apart by its state or, within one state, by the nearest town of TOWN_TO_TELL_APART
    inhabitants. A postcode means its town(s) (`gazetteer.postcode`)."""
    typed = " ".join(text.split())
    if not typed:
        raise Refused(_l("Please enter a place or a postcode."))
    if gazetteer.POSTCODE.match(typed):
        place = gazetteer.postcode(typed)
        if place is None:
            raise Refused(_l("We do not know the postcode %(code)s.", code=typed))
        return _within_reach(place, reach_km)
    name, _comma, qualifier = typed.rpartition(",") if "," in typed else (typed, "", "")
    name = name.strip()
    found = gazetteer.lookup(name, None, limit=200) or gazetteer.lookup(name, None, limit=200, prefix=True)
    if found and qualifier.strip():
        found = _told_apart(found, qualifier.strip())
    if not found:
        raise Refused(_l("We do not know the place “%(where)s”. Try a town or a postcode.", where=typed))
    region = default_region()
    outside = {place: km_outside(region, place.latitude, place.longitude) for place in found}
    tier = min(_tier(km) for km in outside.values())
    first = sorted((p for p in found if _tier(outside[p]) == tier), key=lambda p: -p.population)
    reachable = [p for p in first if outside[p] <= reach_km]
    if not reachable:
        raise _far(first[0], outside[first[0]], reach_km)
    if len(reachable) > 1 and reachable[0].population < CLEARLY_BIGGER * reachable[1].population:
        raise AmbiguousPlace(typed, _choices(name, reachable[:MAX_CHOICES]))
    return _shown(reachable[0])


def _tier(km_outside_region: float) -> int:
    return 0 if km_outside_region == 0 else 1 if km_outside_region <= NEAR_REGION_KM else 2


def _shown(place: gazetteer.Place) -> gazetteer.Place:
    """The place under its own name when the text was the start of it ("Frankfurt" → "Frankfurt
    (Oder)"), else as typed ("München", not GeoNames' "Munich")."""
    official = place.official or place.name
    if gazetteer.fold(official).startswith(gazetteer.fold(place.name)):
        return replace(place, name=official)
    return place


def _within_reach(place: gazetteer.Place, reach_km: float) -> gazetteer.Place:
    km = km_outside(default_region(), place.latitude, place.longitude)
    if km > reach_km:
        raise _far(place, km, reach_km)
    return place


def _far(place: gazetteer.Place, km: float, reach_km: float) -> Refused:
    return Refused(
        _l(
            "%(place)s lies about %(km)s km outside the region. We search in %(region)s and up to "
            "%(reach)s km around it.",
            place=_shown(place).name,
            region=region.pack().name(str(get_locale())),
            km=format_decimal(round(km, -1) if km >= 100 else round(km)),
            reach=format_decimal(round(reach_km)),
        )
    )


def _told_apart(places: list[gazetteer.Place], qualifier: str) -> list[gazetteer.Place]:
    """The places of `places` that `qualifier` (after the comma) allows: a state's, or the one
    nearest to a postcode or town given (within PIN_NEAR_TOWN_KM)."""
    if state := _STATE_KEYS.get(gazetteer.fold(qualifier)):
        return [p for p in places if p.state == state]
    if gazetteer.POSTCODE.match(qualifier):
        towns = [town] if (town := gazetteer.postcode(qualifier)) else []
    else:
        towns = gazetteer.lookup(qualifier, None, limit=50)
    near = [
        (min(haversine_km(p.latitude, p.longitude, t.latitude, t.longitude) for t in towns), p)
        for p in places
        if towns
    ]
    near = sorted((item for item in near if item[0] <= PIN_NEAR_TOWN_KM), key=lambda item: item[0])
    return [p for _km, p in near[:1]]


def state_name(code: str, language: str) -> str:
    """The German state `code` by name: the region pack's name for its own states, else the country's."""
    if own := region.pack().state(code):
        return own.name(language)
    return STATES[code][language != "de"] if code in STATES else code


def _state_name(place: gazetteer.Place) -> str:
    language = str(get_locale())
    if place.state:
        return state_name(place.state, language)
    return Locale.parse("de" if language == "de" else "en").territories.get(place.country, place.country)


def _choices(name: str, places: list[gazetteer.Place]) -> list[Choice]:
    """Each place as a choice, told apart by its state when that is enough, else by a town near it."""
    states = [p.state or p.country for p in places]
    choices = []
    for place in places:
        shown, state = _shown(place).name, _state_name(place)
        town = _town_nearby(place) if states.count(place.state or place.country) > 1 else None
        if town is not None and _told_apart(places, town)[:1] == [place]:
            detail = str(_l("near %(town)s, %(state)s", town=town, state=state))
            choices.append(Choice(shown, detail, f"{name}, {town}"))
        else:
            choices.append(Choice(shown, state, f"{name}, {state}"))
    return choices


def _town_nearby(place: gazetteer.Place) -> str | None:
    """The name of the nearest town of TOWN_TO_TELL_APART inhabitants not called like `place`."""
    key = gazetteer.fold(place.official or place.name)

    def other_town(candidate: gazetteer.Place) -> bool:
        return candidate.population >= TOWN_TO_TELL_APART and gazetteer.fold(candidate.name) != key

    town, _km = gazetteer.nearest(place.latitude, place.longitude, other_town)
    return town.name if town is not None else None
