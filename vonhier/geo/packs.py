"""`flask region check`: whether a region pack (docs/region-packs.md) can run a label, every problem named.

Pure checks of the pack's files, no database: the polygon, the demo places inside it, the states, the
places, the licence tiers, the label's colours and logo, the catalogue's shape. What only a later
feature knows (the certification rules' types and parameters) it asks through `signals.pack_catalogue`.
"""

import csv
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import holidays
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from shapely import Point, prepared
from shapely.geometry import shape
from shapely.ops import nearest_points
from shapely.validation import explain_validity

from .. import region
from . import gazetteer, pack_demo
from .gazetteer import GERMAN_STATES
from .models import Region
from .places import NEAR_REGION_KM
from .services import EARTH_RADIUS_KM, haversine_km
from .signals import pack_catalogue, pack_settings

MIN_AREA_KM2 = 100  # a region smaller than a town is a mistake in the polygon, not a region
MAP_CENTRE_KM = 30  # a map may open just outside a region whose middle is not in it (a crescent)
MIN_CONTRAST = 4.5  # WCAG 2 AA for normal text: white text on the label's main colour


@dataclass
class Report:
    """What `check` found: `problems` (each a sentence naming the file) and `facts` for the summary."""

    path: Path
    problems: list[str] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- the polygon ----------------------------------------------------------------------------------------


def read_polygon(path: Path):
    """The shapely geometry of `path`/region.geojson; ValueError naming what is wrong."""
    file = path / "region.geojson"
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{file}: the file is missing") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{file}: not valid JSON ({error})") from None
    features = data.get("features") if isinstance(data, dict) else None
    if data.get("type") != "FeatureCollection" or not isinstance(features, list) or len(features) != 1:
        raise ValueError(f"{file}: must be a FeatureCollection with exactly one Feature")
    try:
        return shape(features[0]["geometry"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ValueError(f"{file}: the Feature's geometry cannot be read ({error})") from None


@lru_cache(maxsize=8)
def _prepared(path: Path):
    return prepared.prep(read_polygon(path))


def contains(path: Path, lat: float, lon: float) -> bool:
    """Whether (lat, lon) lies inside the polygon of the pack in `path` (no database needed)."""
    return _prepared(path).contains(Point(lon, lat))


def area_km2(geometry) -> float:
    """The area in km², in an equirectangular plane true to scale at the geometry's middle latitude
    (within a per cent for a region of a few hundred km)."""
    lat = math.radians(geometry.centroid.y)
    km_per_degree = math.radians(1) * EARTH_RADIUS_KM
    return geometry.area * km_per_degree**2 * math.cos(lat)


def km_outside_polygon(geometry, lat: float, lon: float) -> float:
    border, _ = nearest_points(geometry, Point(lon, lat))
    return haversine_km(lat, lon, border.y, border.x)


def _check_polygon(report: Report):
    try:
        geometry = read_polygon(report.path)
    except ValueError as error:
        report.problems.append(str(error))
        return None
    where = report.path / "region.geojson"
    if geometry.is_empty:
        report.problems.append(f"{where}: the polygon is empty")
        return None
    if not geometry.is_valid:
        report.problems.append(f"{where}: the polygon is not valid ({explain_validity(geometry)})")
        return None  # where places lie is told by a valid polygon only
    area = area_km2(geometry)
    if area <= MIN_AREA_KM2:
        report.problems.append(f"{where}: the polygon's area is {area:,.0f} km², not plausible for a region")
    report.facts.append(f"polygon {area:,.0f} km²")
    return geometry


# --- places that must lie inside ------------------------------------------------------------------------


def _demo_places(path: Path):
    """(file, row, name, lat, lon, km allowed outside) of every demo place with coordinates; row as a
    reader counts it. Organisations and outlets lie inside; a site may lie just across the border
    (a leased field, a collection point): it supplies raw materials from outside the region, which the
    pre-check counts as such."""
    demo = path / "demo"
    organisations = region.read_toml(demo / "organisations.toml").get("organisation", [])
    for number, entry in enumerate(organisations, start=1):
        yield (
            "demo/organisations.toml",
            f"[[organisation]] {number}",
            entry.get("key"),
            entry.get("lat"),
            entry.get("lon"),
            0,
        )
    for name, allowed in (("sites.csv", NEAR_REGION_KM), ("outlets.csv", 0)):
        with (demo / name).open(encoding="utf-8-sig", newline="") as file:
            for line, row in enumerate(csv.DictReader(file, delimiter=";"), start=2):
                lat, lon = row.get("latitude") or None, row.get("longitude") or None
                yield f"demo/{name}", f"line {line}", row.get("name"), lat, lon, allowed


def _city_districts(path: Path):
    places = region.read_toml(path / "places.toml")
    if not isinstance(places.get("districts"), dict) or not all(
        isinstance(v, str) for v in places["districts"].values()
    ):
        raise region.PackError(f"{path / 'places.toml'}: `districts` must map each town to its district")
    for town, districts in places.get("city_districts", {}).items():
        for district, point in districts.items():
            # Anything but [lat, lon] is reported with what was given.
            lat, lon = point if isinstance(point, list) and len(point) == 2 else (point, None)
            yield "places.toml", f"city_districts.{town}", district, lat, lon, 0


def _check_inside(report: Report, geometry, places, what: str) -> None:
    count, near = 0, 0
    try:
        for file, row, name, lat, lon, allowed in places:
            count += 1
            try:
                lat, lon = float(lat), float(lon)
            except (TypeError, ValueError):
                if lat is not None or lon is not None:  # a row without coordinates is geocoded by town
                    report.problems.append(f"{file} {row} ({name}): no valid coordinates ({lat!r}, {lon!r})")
                continue
            if geometry is None or geometry.contains(Point(lon, lat)):
                continue
            km = km_outside_polygon(geometry, lat, lon)
            if km > allowed:
                where = (
                    "outside the region's polygon"
                    if not allowed
                    else f"outside the region (more than {allowed} km)"
                )
                report.problems.append(f"{file} {row} ({name}): {lat}, {lon} lies {km:,.1f} km {where}")
            else:
                near += 1
    except (region.PackError, OSError) as error:
        report.problems.append(str(error))
    else:
        report.facts.append(f"{count} {what}" + (f" ({near} just outside)" if near else ""))


# --- region.toml ----------------------------------------------------------------------------------------


def _check_region(report: Report, pack: region.Pack, geometry) -> None:
    """The code the database stores, and that the polygon, the map and the examples are this region's."""
    if not isinstance(pack.code, str) or len(pack.code) > (length := Region.code.type.length):
        report.problems.append(f"region.toml: `code` must be a text of at most {length} characters")
    if geometry is None:
        return
    polygon_code = region.polygon_properties(pack.geojson()).get("code")
    if polygon_code != pack.code:
        report.problems.append(
            f"region.geojson: the Feature's code {polygon_code!r} is not the pack's {pack.code!r} "
            f"(build the polygon again after changing the states: docs/region-packs.md)"
        )
    if (km := _km_outside(geometry, *pack.map_centre)) > MAP_CENTRE_KM:
        report.problems.append(f"region.toml [map] centre: lies {km:,.0f} km outside the region's polygon")
    examples = pack.examples
    place = next(iter(gazetteer.lookup(str(examples["place"]))), None)
    if place is None or _km_outside(geometry, place.latitude, place.longitude):
        report.problems.append(
            f"region.toml [examples] place: {examples['place']!r} is not a place in the region"
        )
    code = gazetteer.postcode(str(examples["postcode"]))
    if code is None or _km_outside(geometry, code.latitude, code.longitude):
        report.problems.append(
            f"region.toml [examples] postcode: {examples['postcode']!r} is not a postcode in the region"
        )
    report.problems += [
        f"region.toml [examples] towns: {town!r} is not a town the gazetteer knows"
        for town in examples["towns"]
        if not gazetteer.lookup(str(town))
    ]


def _km_outside(geometry, lat: float, lon: float) -> float:
    return 0 if geometry.contains(Point(lon, lat)) else km_outside_polygon(geometry, lat, lon)


def _check_states(report: Report, pack: region.Pack) -> None:
    known = holidays.DE.subdivisions
    codes = [state.code for state in pack.states]
    for state in pack.states:
        if state.code not in known:
            report.problems.append(
                f"region.toml [[states]] {state.code}: not a German state the holidays library knows "
                f"({', '.join(sorted(s for s in known if len(s) == 2))})"
            )
        if GERMAN_STATES.get(state.geonames) != state.code:
            report.problems.append(
                f"region.toml [[states]] {state.code}: geonames {state.geonames!r} is not the GeoNames "
                f"admin1 code of that German state"
            )
    report.problems += [f"region.toml [[states]]: {code} is given twice" for code in _twice(codes)]
    report.facts.append(f"states {', '.join(codes)}")


def _twice(codes) -> list:
    return sorted({code for code in codes if codes.count(code) > 1})


def luminance(colour: str) -> float:
    """The relative luminance of "#rrggbb" (WCAG 2)."""
    channels = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _check_label(report: Report, pack: region.Pack) -> None:
    main = pack.label["colours"]["main"]  # `region.load` checked every colour is #rrggbb
    if (ratio := contrast("#ffffff", main)) < MIN_CONTRAST:
        report.problems.append(
            f"region.toml [label.colours] main: white text on {main} has a contrast of {ratio:.2f}:1, "
            f"below {MIN_CONTRAST}:1"
        )
    logo = pack.path / pack.label["logo"]  # `region.load` checked it exists, an .svg or .png
    if logo.suffix.lower() != ".svg":
        return
    try:
        root = ElementTree.parse(logo).getroot()
    except FileNotFoundError:
        report.problems.append(f"region.toml [label] logo: {logo} does not exist")
    except (ElementTree.ParseError, DefusedXmlException, OSError) as error:
        report.problems.append(f"region.toml [label] logo: {logo} is not an SVG file ({error})")
    else:
        if root.tag.rpartition("}")[2] != "svg":
            report.problems.append(
                f"region.toml [label] logo: {logo} is not an SVG file (its root is {root.tag})"
            )


# --- catalogue.toml -------------------------------------------------------------------------------------


def _check_catalogue(report: Report) -> None:
    try:
        catalogue = region.read_toml(report.path / "catalogue.toml")
    except region.PackError as error:
        report.problems.append(str(error))
        return
    for key in ("code", "name_de", "name_en"):
        if not isinstance(catalogue.get(key), str) or not catalogue[key]:
            report.problems.append(f"catalogue.toml: `{key}` is missing")
    months = catalogue.get("validity_months")
    if not (isinstance(months, int) and not isinstance(months, bool) and 1 <= months <= 60):
        report.problems.append(
            f"catalogue.toml: validity_months must be a whole number from 1 to 60 ({months!r})"
        )
    criteria = catalogue.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        report.problems.append("catalogue.toml: no [[criteria]]: a catalogue needs at least one criterion")
        return
    codes = [c.get("code") for c in criteria if isinstance(c, dict) and isinstance(c.get("code"), str)]
    report.problems += [f"catalogue.toml: criterion {code} is given twice" for code in _twice(codes)]
    for _receiver, problems in pack_catalogue.send(catalogue=catalogue):
        report.problems += [f"catalogue.toml {problem}" for problem in problems]
    report.facts.append(f"{len(criteria)} criteria")


# --- the whole pack -------------------------------------------------------------------------------------


def check(path: Path) -> Report:
    """Every problem of the pack in `path`; nothing stops at the first."""
    report = Report(path)
    try:
        pack = region.load(path)
    except region.PackError as error:
        report.problems += str(error).splitlines()
        pack = None
    if pack is None and not path.is_dir():
        return report
    geometry = _check_polygon(report)
    _check_inside(report, geometry, _demo_places(path), "demo places")
    _check_inside(report, geometry, _city_districts(path), "city districts")
    report.problems += pack_demo.problems(path, {state.code for state in pack.states} if pack else set())
    if pack is not None:
        _check_region(report, pack, geometry)
        _check_states(report, pack)
        _check_label(report, pack)
        for _receiver, problems in pack_settings.send(pack=pack):
            report.problems += problems
    _check_catalogue(report)
    return report
