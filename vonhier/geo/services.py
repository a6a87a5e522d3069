"""Distances and region membership: the geographic rules every feature shares."""

import json
from functools import lru_cache
from math import asin, cos, radians, sin, sqrt

from shapely import Point, prepared
from shapely.geometry import shape
from sqlalchemy import select

from ..extensions import db
from .models import Region

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in decimal degrees."""
    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlambda = phi2 - phi1, radians(lon2 - lon1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * asin(sqrt(a))


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
