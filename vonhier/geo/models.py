"""Regions a label covers, stored as GeoJSON (the region is data, not code), and the address and
coordinate columns that sites, outlets and organisations share."""

from datetime import datetime
from typing import ClassVar

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..clock import utcnow
from ..extensions import db


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    geojson: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(500), default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LocationMixin:
    """A postal address and the coordinates the radius searches measure from (`geo.services.within_radius`).

    `location_constraints()` are the coordinates' CHECKs and the index of the searches' bounding box:
    the table's arguments, unless a model declares more (with `declared_attr.directive`, as SQLAlchemy
    combines table arguments) and includes them. A model whose pin is optional (an organisation:
    its address alone is enough) sets `coordinates_optional`: then both coordinates or neither."""

    coordinates_optional: ClassVar[bool] = False

    street: Mapped[str] = mapped_column(String(120), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(80))
    country: Mapped[str] = mapped_column(String(2), default="DE")

    @declared_attr
    def latitude(cls) -> Mapped[float | None]:
        return mapped_column(nullable=cls.coordinates_optional)

    @declared_attr
    def longitude(cls) -> Mapped[float | None]:
        return mapped_column(nullable=cls.coordinates_optional)

    @classmethod
    def location_constraints(cls) -> tuple:
        if cls.coordinates_optional:
            checks = (
                CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude_range"),
                CheckConstraint(
                    "longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude_range"
                ),
                CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_pair"),
            )
        else:
            checks = (
                CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
                CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
            )
        return (*checks, Index(f"ix_{cls.__tablename__}_latitude_longitude", "latitude", "longitude"))

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return cls.location_constraints()
