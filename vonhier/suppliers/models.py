"""Supplier settings for the retailer search, shortlists and inquiry threads between organisations."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, and_, event, literal, or_
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..clock import utcnow
from ..database import AppendOnly
from ..extensions import db


@dataclass(frozen=True)
class Reach:
    """How a supplier reaches a buyer `km` away (None: distance unknown), from `options_for`: the
    deliveries that reach, those that would but stop at the radius, and whether pick-up is offered."""

    km: float | None
    delivers: tuple[str, ...] = ()
    stops_short: tuple[str, ...] = ()
    pickup: bool = False
    radius_km: int | None = None


class SupplierProfile(db.Model):
    """How a producer or processor delivers to the trade: its own settings, edited by its members."""

    __tablename__ = "supplier_profiles"
    __table_args__ = (
        CheckConstraint(
            "delivery_radius_km IS NULL OR (delivery_radius_km BETWEEN 1 AND 1000)", name="delivery_radius"
        ),
    )

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    delivers_pickup: Mapped[bool] = mapped_column(default=False)
    delivers_own: Mapped[bool] = mapped_column(default=False)
    delivers_partner: Mapped[bool] = mapped_column(default=False)
    delivery_radius_km: Mapped[int | None]
    capacity_notes: Mapped[str] = mapped_column(String(1000), default="")
    min_order_note: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    @property
    def delivery_options(self) -> list[str]:
        return [
            name
            for name, offered in (
                ("pickup", self.delivers_pickup),
                ("own", self.delivers_own),
                ("partner", self.delivers_partner),
            )
            if offered
        ]

    def options_for(self, km: float | None) -> list[str]:
        """The options open to a buyer `km` away (distance unknown: all of them). Deliveries, own or
        through a partner, reach as far as the delivery radius, where one is given; pick-up always."""
        reaches = km is None or self.delivery_radius_km is None or km <= self.delivery_radius_km
        return [option for option in self.delivery_options if option == "pickup" or reaches]

    def reach(self, km: float | None) -> Reach:
        """`options_for` as what the search says: which deliveries reach `km`, which stop short."""
        open_ = self.options_for(km)
        deliveries = [option for option in self.delivery_options if option != "pickup"]
        return Reach(
            km=km,
            delivers=tuple(o for o in deliveries if o in open_),
            stops_short=tuple(o for o in deliveries if o not in open_),
            pickup=self.delivers_pickup,
            radius_km=self.delivery_radius_km,
        )

    @classmethod
    def offers(cls, options: tuple[str, ...], km=None):
        """SQL for `options_for`: offers any of these options to a buyer `km` (an SQL expression) away."""
        reaches = True if km is None else or_(cls.delivery_radius_km.is_(None), cls.delivery_radius_km >= km)
        conditions = {
            "pickup": cls.delivers_pickup.is_(True),
            "own": and_(cls.delivers_own.is_(True), reaches),
            "partner": and_(cls.delivers_partner.is_(True), reaches),
        }
        # Every option's condition, switched on or off by a bound value: one statement for any choice
        # of options, which SQLAlchemy compiles once (none of these columns is indexed: same plan).
        return or_(*(and_(literal(option in options), condition) for option, condition in conditions.items()))


NOTE_MAX = 500


class ShortlistEntry(db.Model):
    """A supplier a retailer organisation keeps on its shortlist, with the retailer's own note."""

    __tablename__ = "supplier_shortlist"
    __table_args__ = (UniqueConstraint("retailer_id", "supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(NOTE_MAX), default="", server_default="")

    supplier: Mapped["Organisation"] = relationship(foreign_keys=[supplier_id])  # noqa: F821


class InquiryThread(db.Model):
    """A conversation between a retailer organisation and a supplier organisation; never deleted."""

    __tablename__ = "inquiry_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    retailer: Mapped["Organisation"] = relationship(foreign_keys=[retailer_id])  # noqa: F821
    supplier: Mapped["Organisation"] = relationship(foreign_keys=[supplier_id])  # noqa: F821
    messages: Mapped[list["InquiryMessage"]] = relationship(
        back_populates="thread", order_by="InquiryMessage.id"
    )

    def other_side(self, organisation_id: int) -> "Organisation":  # noqa: F821
        return self.supplier if organisation_id == self.retailer_id else self.retailer


class InquiryMessage(AppendOnly, db.Model):
    __tablename__ = "inquiry_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("inquiry_threads.id"), index=True)
    # The side that wrote it (the retailer or the supplier organisation).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    thread: Mapped[InquiryThread] = relationship(back_populates="messages")
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    author: Mapped["User | None"] = relationship()  # noqa: F821


class InquiryRead(db.Model):
    """Up to which message a person has read a thread: the unread marker."""

    __tablename__ = "inquiry_reads"

    thread_id: Mapped[int] = mapped_column(ForeignKey("inquiry_threads.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_message_id: Mapped[int]


@event.listens_for(Session, "before_flush")
def _threads_are_never_deleted(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, InquiryThread):
            raise PermissionError("inquiry threads are never deleted")
