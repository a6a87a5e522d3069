"""Public product codes for QR labels, anonymous scan counts, stored renderings."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..certification.models import CertificateStatus
from ..clock import utcnow
from ..database import AppendOnly, enum_type
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


class PageState(db.Model):
    """What a scan checks of a product's page, besides the date: one narrow row per product.

    `revision` grows in the transaction of every change to what the page shows (the flush listener in
    `provenance/revisions.py`); `certificate_id` is the product's newest certificate, whose status a scan
    reads live. Created with the product.
    """

    __tablename__ = "page_states"

    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(default=1)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))


class RenderedPage(db.Model):
    """A provenance page as last rendered (gzip-compressed HTML), with what it was rendered from.

    Rendering is most of a page's cost. One row per product, lot and language: a new rendering
    replaces the old one. A page rendered by an older release is still sent while what
    it shows of the certificate, the licence and the batch is true, until it is rendered again.
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
    # What it was rendered from, and what it shows that must stay true to be sent.
    release: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int]
    status: Mapped[CertificateStatus | None] = mapped_column(
        enum_type(CertificateStatus, "rendered_page_status")
    )
    licensed: Mapped[bool]
    has_batch: Mapped[bool]


class PageChanges(db.Model):
    """SQLite's one row for `facts.py`: a count raised in the transaction of every change to what a scan
    reads, so each process sees with one cheap read whether the facts it keeps may be out of date.
    PostgreSQL tells its processes with NOTIFY instead and leaves this table empty."""

    __tablename__ = "page_changes"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)  # always 1
    count: Mapped[int] = mapped_column(default=0)
