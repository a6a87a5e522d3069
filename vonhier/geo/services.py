"""Distances and region membership: the geographic rules every feature shares."""

import json
from functools import lru_cache
from math import asin, cos, degrees, radians, sin, sqrt

from shapely import Point, prepared
from shapely.geometry import shape
from shapely.ops import nearest_points
from sqlalchemy import Float, and_, bindparam, func, select

from ..extensions import db
from .models import Region

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


def bounding_box(lat: float, lon: float, radius_km: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that holds every point within `radius_km` of (lat, lon).

    The longitude half-width is the radius divided by the length of a degree of longitude at the
    box's edge nearest to the pole (the widest it needs to be). Not meant for boxes across a pole
    or the antimeridian: the platform's places are in one German region.
    """
    dlat = degrees(radius_km / EARTH_RADIUS_KM) + 1e-9  # a hair wider: rounding never cuts the circle
    south, north = max(lat - dlat, -90.0), min(lat + dlat, 90.0)
    widest = max(abs(south), abs(north))
    scale = cos(radians(widest))
    dlon = 180.0 if scale < 1e-9 else min(degrees(radius_km / EARTH_RADIUS_KM) / scale, 180.0)
    return south, north, lon - dlon, lon + dlon


def distance_sql(lat_column, lon_column, lat: float, lon: float, cos_lat=None):
    """The haversine distance in km as an SQL expression (SQLite's math functions, PostgreSQL) from
    (lat, lon), numbers or bound parameters; with parameters, the cosine of lat (`cos_lat`) too."""
    cos_lat = cos(radians(lat)) if cos_lat is None else cos_lat
    a = func.power(func.sin(func.radians(lat_column - lat) / 2), 2) + cos_lat * func.cos(
        func.radians(lat_column)
    ) * func.power(func.sin(func.radians(lon_column - lon) / 2), 2)
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def within_radius(lat_column, lon_column, lat: float, lon: float, radius_km: float):
    """A WHERE condition for points within `radius_km`, and the distance expression to select/order by.

    The bounding box comes first so that an index on (latitude, longitude) narrows the rows; the
    exact haversine check then runs only on the rows inside the box. Use it with any table that has
    coordinate columns (sites, organisations, …)::

        where, distance = within_radius(Site.latitude, Site.longitude, 52.52, 13.40, 25)
        select(Site, distance.label("km")).where(where).order_by("km")
    """
    south, north, west, east = bounding_box(lat, lon, radius_km)
    distance = distance_sql(lat_column, lon_column, lat, lon)
    condition = and_(
        lat_column.between(south, north),
        lon_column.between(west, east),
        distance <= radius_km,
    )
    return condition, distance


# An origin and radius given at execution (`origin_values`): a statement built with them serves every
# origin, so it can be built once and kept (building the haversine expressions cost more than running
# the statement on SQLite).
ORIGIN = {
    name: bindparam(f"origin_{name}", type_=Float)
    for name in ("lat", "lon", "cos_lat", "south", "north", "west", "east", "km")
}


def origin_distance(lat_column, lon_column):
    """`distance_sql` from the origin given at execution."""
    return distance_sql(lat_column, lon_column, ORIGIN["lat"], ORIGIN["lon"], ORIGIN["cos_lat"])


def within_origin_radius(lat_column, lon_column):
    """`within_radius` of the origin and radius given at execution."""
    distance = origin_distance(lat_column, lon_column)
    condition = and_(
        lat_column.between(ORIGIN["south"], ORIGIN["north"]),
        lon_column.between(ORIGIN["west"], ORIGIN["east"]),
        distance <= ORIGIN["km"],
    )
    return condition, distance


def origin_values(lat: float, lon: float, radius_km: float | None = None) -> dict[str, float]:
    """The values of `ORIGIN` for a statement built with `origin_distance` / `within_origin_radius`."""
    values = {"origin_lat": lat, "origin_lon": lon, "origin_cos_lat": cos(radians(lat))}
    if radius_km is not None:
        south, north, west, east = bounding_box(lat, lon, radius_km)
        values |= {
            "origin_south": south,
            "origin_north": north,
            "origin_west": west,
            "origin_east": east,
            "origin_km": radius_km,
        }
    return values


def valid_coordinates(lat, lon) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


@lru_cache(maxsize=16)
def _prepared_shape(geojson: str):
    data = json.loads(geojson)
    geometry = data["features"][0]["geometry"] if data.get("type") == "FeatureCollection" else data
    return prepared.prep(shape(geometry))


def default_region() -> Region:
    region = db.session.scalar(select(Region).where(Region.is_default))
    if region is None:
        raise LookupError("no default region: run `flask db upgrade`")
    return region


def contains(region: Region, lat: float, lon: float) -> bool:
    return _prepared_shape(region.geojson).contains(Point(lon, lat))


def in_default_region(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and contains(default_region(), lat, lon)


def km_outside(region: Region, lat: float, lon: float) -> float:
    """How far (lat, lon) lies outside `region`, in km: 0 inside, else to the region's nearest border
    point (the nearest point in degrees, measured by haversine: off by a few per cent at most, which
    is finer than the border's own accuracy)."""
    shape_ = _prepared_shape(region.geojson)
    point = Point(lon, lat)
    if shape_.contains(point):
        return 0.0
    border, _ = nearest_points(shape_.context, point)
    return haversine_km(lat, lon, border.y, border.x)
