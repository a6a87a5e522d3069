"""Organisations (Betriebe), their kinds, members and pending invitations."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from ..clock import utcnow
from ..database import enum_type
from ..extensions import db
from ..geo.models import LocationMixin
from ..permissions import MemberRole


class OrgKind(enum.StrEnum):
    PRODUCER = "producer"
    PROCESSOR = "processor"
    RETAILER = "retailer"
    OUTLET_OPERATOR = "outlet_operator"
    CERTIFICATION_BODY = "certification_body"


class SizeClass(enum.StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"


class Organisation(LocationMixin, db.Model):
    __tablename__ = "organisations"
    coordinates_optional = True  # the pin is optional: the address alone is enough

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (
            *cls.location_constraints(),
            CheckConstraint(
                "founding_year IS NULL OR (founding_year BETWEEN 1000 AND 2100)", name="founding_year"
            ),
        )

    id: Mapped[int] = mapped_column(primary_key=True)
    legal_name: Mapped[str] = mapped_column(String(200))
    display_name: Mapped[str] = mapped_column(String(120), index=True)
    state: Mapped[str] = mapped_column(String(40), default="")
    # Landkreis, kreisfreie Stadt or a city's Bezirk: how people in the region find businesses near them.
    district: Mapped[str] = mapped_column(String(80), default="", index=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    website: Mapped[str] = mapped_column(String(255), default="")
    description_de: Mapped[str] = mapped_column(String(4000), default="")
    description_en: Mapped[str] = mapped_column(String(4000), default="")
    logo: Mapped[str | None] = mapped_column(String(64))
    founding_year: Mapped[int | None]
    size_class: Mapped[SizeClass] = mapped_column(enum_type(SizeClass, "size_class"), default=SizeClass.MICRO)
    control_body_code: Mapped[str] = mapped_column(String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    kind_rows: Mapped[list["OrganisationKind"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", lazy="selectin"
    )
    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan"
    )

    @property
    def kinds(self) -> list[OrgKind]:
        return sorted((row.kind for row in self.kind_rows), key=list(OrgKind).index)

    @kinds.setter
    def kinds(self, kinds) -> None:
        wanted = {OrgKind(k) for k in kinds}
        self.kind_rows = [row for row in self.kind_rows if row.kind in wanted]
        for kind in wanted - {row.kind for row in self.kind_rows}:
            self.kind_rows.append(OrganisationKind(kind=kind))

    def has_kind(self, kind) -> bool:
        return OrgKind(kind) in self.kinds

    def description(self, locale: str) -> str:
        return (self.description_en if locale == "en" else "") or self.description_de

    @property
    def owner(self):
        return next((m.user for m in self.memberships if m.role == MemberRole.OWNER), None)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.display_name}>"


class OrganisationKind(db.Model):
    __tablename__ = "organisation_kinds"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[OrgKind] = mapped_column(enum_type(OrgKind, "kind"), primary_key=True, index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="kind_rows")


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_type(MemberRole, "member_role"), default=MemberRole.STAFF)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821


class Invitation(db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
