"""Retailers' side of the supplier pages, suppliers' delivery settings, shortlists and inquiry threads.

Who acts as a retailer (`retailer_of`), a supplier's page (only organisations with a current
licence, their products on a certificate active today), suppliers' own delivery settings, each
retailer's shortlist, and the inquiry threads between a retailer and a supplier (append-only, mailed
to the other side). The search itself is `search.py`.
"""

from functools import partial

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import contains_eager
from werkzeug.exceptions import Forbidden, NotFound

from ..catalogue.models import Product, ProductStatus, Site
from ..certification.models import Certificate, CertificateProduct, CertificateStatus
from ..clock import utcnow
from ..database import flush_or_conflict, german, unique_constraint
from ..errors import RuleError
from ..extensions import db
from ..organisations import services as organisations
from ..organisations.models import Organisation, OrgKind
from ..outbox import mail
from ..payments import services as payments
from ..permissions import SYSTEM
from ..web import external_url
from .models import InquiryMessage, InquiryRead, InquiryThread, ShortlistEntry, SupplierProfile

DELIVERY_OPTIONS = ("pickup", "own", "partner")
SUPPLIER_KINDS = (OrgKind.PRODUCER, OrgKind.PROCESSOR)
SUBJECT_MAX = 200
MESSAGE_MAX = 5000


class InquiryError(RuleError):
    """An inquiry the rules refuse; str() is a translated message."""


# --- who is asking --------------------------------------------------------------------------------


def retailer_of(user) -> Organisation:
    """The retailer organisation the user acts for: the current one if it is a retailer, else their first."""
    current = organisations.current(user)
    if current is not None and current.has_kind(OrgKind.RETAILER):
        return current
    for member in user.memberships:
        if member.organisation.has_kind(OrgKind.RETAILER):
            return member.organisation
    raise Forbidden()


def retailer_sites(retailer: Organisation) -> list[Site]:
    return db.session.scalars(
        select(Site)
        .where(Site.organisation_id == retailer.id, Site.archived_at.is_(None))
        .order_by(german(Site.name), Site.id)
    ).all()


# --- supplier pages and settings ------------------------------------------------------------------


def get_supplier(user, organisation_id: int) -> Organisation:
    """A supplier as retailers see it: only organisations with a current licence."""
    if user is not SYSTEM:
        retailer_of(user)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or not payments.is_current(organisation.id):
        raise NotFound()
    return organisation


def certified_products(organisation: Organisation) -> list[tuple[Product, Certificate]]:
    """The supplier's products with a certificate active today, each with that certificate."""
    today = utcnow().date()
    rows = db.session.execute(
        select(Product, Certificate)
        .join(CertificateProduct, CertificateProduct.product_id == Product.id)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(
            Product.organisation_id == organisation.id,
            Product.status == ProductStatus.ACTIVE,
            Certificate.status == CertificateStatus.ACTIVE,
            Certificate.valid_from <= today,
            Certificate.valid_until >= today,
        )
        .order_by(german(Product.name_de), Product.id, Certificate.valid_until)
    ).all()
    newest = {}
    for product, certificate in rows:
        newest[product.id] = (product, certificate)
    return list(newest.values())


def certificates_of(organisation: Organisation) -> list[Certificate]:
    return db.session.scalars(
        select(Certificate)
        .where(Certificate.organisation_id == organisation.id)
        .order_by(Certificate.valid_until.desc(), Certificate.id.desc())
    ).all()


def profile_of(organisation_id: int) -> SupplierProfile | None:
    return db.session.get(SupplierProfile, organisation_id)


def may_edit_profile(organisation: Organisation) -> bool:
    return any(organisation.has_kind(kind) for kind in SUPPLIER_KINDS)


PROFILE_FIELDS = (
    "delivers_pickup",
    "delivers_own",
    "delivers_partner",
    "delivery_radius_km",
    "capacity_notes",
    "min_order_note",
)


def save_profile(user, organisation: Organisation, data: dict) -> SupplierProfile:
    """Members of a producer or processor set how they deliver to the trade."""
    if user is not SYSTEM and organisations.membership(user, organisation) is None:
        raise Forbidden()
    if not may_edit_profile(organisation):
        raise Forbidden()
    profile = profile_of(organisation.id)
    if profile is None:
        profile = SupplierProfile(organisation_id=organisation.id)
        db.session.add(profile)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    profile.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    return profile


# --- shortlist ------------------------------------------------------------------------------------


def shortlist(user) -> list[tuple[ShortlistEntry, SupplierProfile | None]]:
    """The retailer's shortlist by supplier name, each entry with the supplier's delivery settings."""
    retailer = retailer_of(user)
    return db.session.execute(
        select(ShortlistEntry, SupplierProfile)
        .join(ShortlistEntry.supplier)
        .outerjoin(SupplierProfile, SupplierProfile.organisation_id == ShortlistEntry.supplier_id)
        .where(ShortlistEntry.retailer_id == retailer.id)
        .order_by(german(Organisation.display_name), Organisation.id)
        .options(contains_eager(ShortlistEntry.supplier))
    ).all()


def shortlisted_ids(user) -> set[int]:
    retailer = retailer_of(user)
    return set(
        db.session.scalars(
            select(ShortlistEntry.supplier_id).where(ShortlistEntry.retailer_id == retailer.id)
        )
    )


def add_to_shortlist(user, supplier_id: int) -> ShortlistEntry:
    retailer = retailer_of(user)
    supplier = get_supplier(user, supplier_id)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.retailer_id == retailer.id, ShortlistEntry.supplier_id == supplier.id
        )
    )
    if entry is None:
        entry = ShortlistEntry(retailer_id=retailer.id, supplier_id=supplier.id, added_by_id=user.id)
        db.session.add(entry)
        # A double click: the second request lands on the supplier's page, as a repeated click does.
        flush_or_conflict(
            db.session,
            {unique_constraint(ShortlistEntry, "retailer_id", "supplier_id"): _l("Added to your shortlist.")},
            existing=partial(url_for, "suppliers.supplier", organisation_id=supplier.id),
        )
    return entry


def save_note(user, supplier_id: int, note: str) -> ShortlistEntry:
    """The retailer's note on a supplier of its shortlist (what the form accepted: `forms.ShortlistNoteForm`
    refuses control characters and more than `models.NOTE_MAX` characters); 404 off the shortlist."""
    retailer = retailer_of(user)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.retailer_id == retailer.id, ShortlistEntry.supplier_id == supplier_id
        )
    )
    if entry is None:
        raise NotFound()
    entry.note = note.strip()
    db.session.flush()
    return entry


def remove_from_shortlist(user, supplier_id: int) -> None:
    retailer = retailer_of(user)
    entry = db.session.scalar(
        select(ShortlistEntry).where(
            ShortlistEntry.retailer_id == retailer.id, ShortlistEntry.supplier_id == supplier_id
        )
    )
    if entry is not None:
        db.session.delete(entry)
        db.session.flush()


# --- inquiries ------------------------------------------------------------------------------------


def _check_text(subject: str | None, body: str) -> None:
    if subject is not None and not (0 < len(subject.strip()) <= SUBJECT_MAX):
        raise InquiryError(str(_l("Please give a subject of at most %(n)d characters.", n=SUBJECT_MAX)))
    if not (0 < len(body.strip()) <= MESSAGE_MAX):
        raise InquiryError(str(_l("Please write a message of at most %(n)d characters.", n=MESSAGE_MAX)))


def start_inquiry(user, supplier_id: int, subject: str, body: str) -> InquiryThread:
    """The user's retailer organisation writes to a supplier: a new thread with its first message."""
    retailer = retailer_of(user)
    supplier = get_supplier(user, supplier_id)
    if supplier.id == retailer.id:
        raise InquiryError(str(_l("You cannot send an inquiry to your own organisation.")))
    _check_text(subject, body)
    now = utcnow()
    thread = InquiryThread(
        retailer_id=retailer.id,
        supplier_id=supplier.id,
        subject=subject.strip(),
        created_by_id=user.id,
        created_at=now,
        last_message_at=now,
    )
    db.session.add(thread)
    db.session.flush()
    _post(user, thread, retailer, body, now)
    return thread


def get_thread(user, thread_id: int) -> InquiryThread:
    """A thread for members of its two organisations; for anyone else it does not exist (404)."""
    thread = db.session.get(InquiryThread, thread_id)
    if thread is None or _side(user, thread) is None:
        raise NotFound()
    return thread


def _side(user, thread: InquiryThread) -> Organisation | None:
    """The organisation the user writes for in this thread (the current one if they belong to both)."""
    mine = {m.organisation_id for m in user.memberships}
    if thread.retailer_id in mine and thread.supplier_id in mine:
        current = organisations.current(user)
        return (
            thread.supplier if current is not None and current.id == thread.supplier_id else thread.retailer
        )
    if thread.retailer_id in mine:
        return thread.retailer
    if thread.supplier_id in mine:
        return thread.supplier
    return None


def reply(user, thread: InquiryThread, body: str) -> InquiryMessage:
    side = _side(user, thread)
    if side is None:
        raise NotFound()
    _check_text(None, body)
    return _post(user, thread, side, body, utcnow())


def _post(user, thread: InquiryThread, side: Organisation, body: str, now) -> InquiryMessage:
    message = InquiryMessage(
        thread=thread, organisation_id=side.id, author_id=user.id, body=body.strip(), created_at=now
    )
    db.session.add(message)
    thread.last_message_at = now
    db.session.flush()
    mark_read(user, thread, message.id)
    _notify(thread, message, thread.other_side(side.id), user)
    return message


def _notify(thread: InquiryThread, message: InquiryMessage, recipients: Organisation, author) -> None:
    sender = thread.other_side(recipients.id)
    link = external_url("suppliers.thread", thread_id=thread.id)
    for member in recipients.memberships:
        person = member.user
        if person.id == author.id or not person.is_active:
            continue
        mail.send(
            person.email,
            _l(
                "Inquiry from %(organisation)s: %(subject)s",
                organisation=sender.display_name,
                subject=thread.subject,
            ),
            "inquiry",
            locale=person.locale,
            thread=thread,
            message=message,
            sender=sender,
            author=author,
            link=link,
        )


def mark_read(user, thread: InquiryThread, message_id: int | None = None) -> None:
    if message_id is None:
        message_id = db.session.scalar(
            select(func.max(InquiryMessage.id)).where(InquiryMessage.thread_id == thread.id)
        )
    if message_id is None:
        return
    read = db.session.get(InquiryRead, (thread.id, user.id))
    if read is None:
        db.session.add(InquiryRead(thread_id=thread.id, user_id=user.id, last_message_id=message_id))
    elif read.last_message_id < message_id:
        read.last_message_id = message_id
    db.session.flush()


def threads_of(user, organisation: Organisation) -> list[tuple[InquiryThread, bool]]:
    """The organisation's threads, newest first, each with whether it holds messages unread by `user`."""
    if organisations.membership(user, organisation) is None:
        raise Forbidden()
    newest = (
        select(func.max(InquiryMessage.id))
        .where(InquiryMessage.thread_id == InquiryThread.id)
        .scalar_subquery()
    )
    read = (
        select(InquiryRead.last_message_id)
        .where(InquiryRead.thread_id == InquiryThread.id, InquiryRead.user_id == user.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(InquiryThread, newest.label("newest"), read.label("read"))
        .where(
            or_(InquiryThread.retailer_id == organisation.id, InquiryThread.supplier_id == organisation.id)
        )
        .order_by(InquiryThread.last_message_at.desc(), InquiryThread.id.desc())
    ).all()
    return [(thread, read is None or (newest or 0) > read) for thread, newest, read in rows]


def unread_count(user, organisation: Organisation | None) -> int:
    if organisation is None:
        return 0
    return sum(1 for _, unread in threads_of(user, organisation) if unread)
