"""Public product codes for QR labels, anonymous scan counts, stored renderings."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly
from ..extensions import db


class ProductCode(AppendOnly, db.Model):
    """The short code of a product without GTIN (`/p/{code}`): random, never changed, never reused.

    Append-only and never deleted, so a printed label keeps pointing at the same product for good.
    """

    __tablename__ = "product_codes"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    product: Mapped["Product"] = relationship()  # noqa: F821


class ScanDay(db.Model):
    """How often a product (or one of its lots) was scanned on a day, per page language.

    Nothing here identifies a person: no address, no user agent, no cookie, no time of day.
    """

    __tablename__ = "scan_days"
    __table_args__ = (UniqueConstraint("product_id", "lot", "day", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint's index (product first) serves the per-product queries too.
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    day: Mapped[date]
    language: Mapped[str] = mapped_column(String(5))
    count: Mapped[int] = mapped_column(default=0)


class ScanBatch(db.Model):
    """A batch of scan counts moved from Redis into `scan_days`, recorded in the same transaction: a
    mover that finds the batch's id here knows it was added already (`scans.move`)."""

    __tablename__ = "scan_batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # uuid4 hex, the Redis key's last part
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)


class RenderedPage(db.Model):
    """A provenance page as last rendered (gzip-compressed HTML), kept while its ETag still holds.

    Rendering is most of a page's cost; a scan of an unchanged product is served from here in one query.
    One row per product, lot and language: a new rendering replaces the old one.
    """

    __tablename__ = "rendered_pages"
    __table_args__ = (UniqueConstraint("product_id", "lot", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    lot: Mapped[str] = mapped_column(String(40), default="")
    language: Mapped[str] = mapped_column(String(5))
    etag: Mapped[str] = mapped_column(String(32))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
