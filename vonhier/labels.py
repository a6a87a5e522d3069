"""Translated display names for the platform's enumerations, shared by forms and templates."""

from flask_babel import lazy_gettext as _l

from .catalogue.models import LinkStatus, SiteKind, Species, StageKind, Unit
from .certification.models import ApplicationStatus, AuditMode, CertificateStatus
from .organisations.models import OrgKind, SizeClass
from .outbox.models import MailStatus
from .outlets.models import OutletKind
from .permissions import MemberRole, Role

KIND = {
    OrgKind.PRODUCER: _l("Producer"),
    OrgKind.PROCESSOR: _l("Processor"),
    OrgKind.RETAILER: _l("Retailer"),
    OrgKind.OUTLET_OPERATOR: _l("Direct sales"),
    OrgKind.CERTIFICATION_BODY: _l("Certification body"),
}
SIZE = {
    SizeClass.MICRO: _l("Micro (fewer than 10 people)"),
    SizeClass.SMALL: _l("Small (10–49 people)"),
    SizeClass.MEDIUM: _l("Medium (50–249 people)"),
}
ROLE = {Role.ADMIN: _l("Admin"), Role.CERTIFIER: _l("Certifier")}
MEMBER = {MemberRole.OWNER: _l("Owner"), MemberRole.STAFF: _l("Staff")}
ADMIN_ACTION = {
    "activate": _l("Account activated"),
    "deactivate": _l("Account deactivated"),
    "grant_role": _l("Role granted"),
    "revoke_role": _l("Role revoked"),
}
MAIL_STATUS = {
    MailStatus.QUEUED: _l("Queued"),
    MailStatus.SENT: _l("Sent"),
    MailStatus.FAILED: _l("Failed"),
}
SITE_KIND = {
    SiteKind.FARM: _l("Farm"),
    SiteKind.FIELD: _l("Field or pasture"),
    SiteKind.BARN: _l("Barn or stable"),
    SiteKind.APIARY: _l("Apiary"),
    SiteKind.DAIRY: _l("Dairy"),
    SiteKind.BAKERY: _l("Bakery"),
    SiteKind.BUTCHERY: _l("Butchery or slaughterhouse"),
    SiteKind.MILL: _l("Mill"),
    SiteKind.BREWERY: _l("Brewery or press"),
    SiteKind.PACKING: _l("Packing station"),
    SiteKind.WAREHOUSE: _l("Warehouse"),
    SiteKind.SHOP: _l("Shop"),
}
OUTLET_KIND = {
    OutletKind.FARM_SHOP: _l("Farm shop"),
    OutletKind.MARKET_STAND: _l("Market stand"),
    OutletKind.VENDING_MACHINE: _l("Vending machine"),
    OutletKind.DELIVERY: _l("Veg box or delivery"),
    OutletKind.CSA_DEPOT: _l("CSA pick-up depot (Solawi)"),
    OutletKind.ONLINE_SHOP: _l("Online shop"),
    OutletKind.RESTAURANT: _l("Restaurant or canteen"),
}
STAGE_KIND = {
    StageKind.PROCESSING: _l("Processing"),
    StageKind.PACKING: _l("Packing"),
    StageKind.STORAGE: _l("Storage"),
    StageKind.POINT_OF_SALE: _l("Point of sale"),
}
UNIT = {
    Unit.GRAM: "g",
    Unit.KILOGRAM: "kg",
    Unit.MILLILITRE: "ml",
    Unit.LITRE: "l",
    Unit.PIECE: _l("piece(s)"),
}
SPECIES = {
    Species.CATTLE: _l("Cattle"),
    Species.PIG: _l("Pig"),
    Species.CHICKEN: _l("Chicken"),
    Species.TURKEY: _l("Turkey"),
    Species.DUCK: _l("Duck"),
    Species.GOOSE: _l("Goose"),
    Species.SHEEP: _l("Sheep"),
    Species.GOAT: _l("Goat"),
    Species.GAME: _l("Game"),
    Species.FISH: _l("Fish"),
    Species.BEES: _l("Bees"),
}
HUSBANDRY = {
    1: _l("1 – Barn (Stall)"),
    2: _l("2 – Barn plus space (StallPlus)"),
    3: _l("3 – Fresh-air barn (Frischluftstall)"),
    4: _l("4 – Outdoor access or pasture (Auslauf/Weide)"),
    5: _l("5 – Organic (Bio)"),
}
LINK_STATUS = {
    LinkStatus.PENDING: _l("awaiting confirmation"),
    LinkStatus.CONFIRMED: _l("confirmed by the supplier"),
    LinkStatus.DECLINED: _l("declined by the supplier"),
}
APPLICATION_STATUS = {
    ApplicationStatus.DRAFT: _l("draft"),
    ApplicationStatus.SUBMITTED: _l("submitted"),
    ApplicationStatus.IN_REVIEW: _l("in review"),
    ApplicationStatus.CHANGES_REQUESTED: _l("changes requested"),
    ApplicationStatus.APPROVED: _l("approved"),
    ApplicationStatus.REJECTED: _l("rejected"),
    ApplicationStatus.WITHDRAWN: _l("withdrawn"),
}
CERTIFICATE_STATUS = {
    CertificateStatus.ACTIVE: _l("valid"),
    CertificateStatus.REVIEW_NEEDED: _l("under review"),
    CertificateStatus.SUSPENDED: _l("suspended"),
    CertificateStatus.REVOKED: _l("revoked"),
    CertificateStatus.EXPIRED: _l("expired"),
}
AUDIT_MODE = {AuditMode.ON_SITE: _l("on site"), AuditMode.DOCUMENTS: _l("documents only")}
OUTCOME = {
    "passed": _l("met"),
    "failed": _l("not met"),
    "not_applicable": _l("not applicable"),
    "evidence_missing": _l("evidence missing"),
}

LICENCE_STATE = {
    "none": _l("no licence"),
    "pending_payment": _l("awaiting payment"),
    "active": _l("active"),
    "expired": _l("expired"),
    "cancelled": _l("cancelled"),
}
PAYMENT_METHOD = {"invoice": _l("bank transfer"), "stripe": _l("online (Stripe)"), "zero_fee": _l("zero fee")}
INVOICE_STATUS = {"open": _l("open"), "paid": _l("paid"), "cancelled": _l("cancelled")}

RECORD_ACTION = {
    "create": _l("created"),
    "submit": _l("submitted"),
    "resubmit": _l("resubmitted"),
    "withdraw": _l("withdrawn"),
    "take": _l("taken on by a certifier"),
    "request_changes": _l("changes requested"),
    "approve": _l("approved"),
    "reject": _l("rejected"),
    "audit": _l("audit recorded"),
    "issue": _l("certificate issued"),
    "suspend": _l("suspended"),
    "reinstate": _l("reinstated"),
    "revoke": _l("revoked"),
    "review_needed": _l("product data changed: review needed"),
    "expire": _l("expired"),
    "reminder_60": _l("reminder 60 days before expiry"),
    "reminder_30": _l("reminder 30 days before expiry"),
    "publish": _l("published"),
}

CHANGE = {
    "created": _l("created"),
    "ingredients": _l("ingredients"),
    "stages": _l("supply chain"),
    "product.name_de": _l("name"),
    "product.name_en": _l("English name"),
    "product.reference": _l("article number"),
    "product.category": _l("category"),
    "product.is_animal": _l("category"),
    "product.description_de": _l("description"),
    "product.description_en": _l("English description"),
    "product.package_size": _l("package size"),
    "product.package_unit": _l("package size"),
    "product.gtin": _l("GTIN"),
    "product.organic_control_body": _l("organic control body"),
    "product.gmo_free": _l("GMO-free declaration"),
    "product.species": _l("animal species"),
    "product.husbandry_level": _l("husbandry level"),
}


def change_text(changes: list[str]) -> str:
    """ "created", or the changed parts of a product version in words."""
    if changes == ["created"]:
        return str(CHANGE["created"])
    names = dict.fromkeys(str(CHANGE.get(c, c)) for c in changes)
    return str(_l("changed: %(parts)s", parts=", ".join(names)))


def template_context() -> dict:
    return {
        "kind_labels": KIND,
        "size_labels": SIZE,
        "role_labels": ROLE,
        "member_labels": MEMBER,
        "action_labels": ADMIN_ACTION,
        "mail_labels": MAIL_STATUS,
        "site_kind_labels": SITE_KIND,
        "outlet_kind_labels": OUTLET_KIND,
        "stage_labels": STAGE_KIND,
        "unit_labels": UNIT,
        "species_labels": SPECIES,
        "husbandry_labels": HUSBANDRY,
        "link_labels": LINK_STATUS,
        "change_text": change_text,
        "application_labels": APPLICATION_STATUS,
        "certificate_labels": CERTIFICATE_STATUS,
        "audit_mode_labels": AUDIT_MODE,
        "outcome_labels": OUTCOME,
        "record_labels": RECORD_ACTION,
        "licence_labels": LICENCE_STATE,
        "invoice_labels": INVOICE_STATUS,
        "method_labels": PAYMENT_METHOD,
    }
