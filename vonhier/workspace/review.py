"""A certifier's overview: the queue by waiting time, their own applications in review, audits due and
the body's certificates that end soon, each list one query."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import clock
from ..certification import access
from ..certification.models import Application, ApplicationStatus, Audit, Certificate
from ..extensions import db
from ..organisations.models import Organisation, OrgKind
from .services import expiring_certificates

REVIEWING = (ApplicationStatus.IN_REVIEW, ApplicationStatus.CHANGES_REQUESTED)
FOLLOW_UP_AHEAD = 14  # days: a follow-up audit due within two weeks is listed


@dataclass
class Waiting:
    application: Application
    days: int  # whole days since it was submitted
    refusal: str | None  # why this certifier may not take it (conflict of interest), if so


@dataclass
class AuditDue:
    application: Application
    due: date | None  # the follow-up date an audit set; None: no audit recorded yet


@dataclass
class Overview:
    body: Organisation
    waiting: list[Waiting]
    mine: list[Application]
    audits: list[AuditDue]
    expiring: list[Certificate]
    businesses: list[Organisation]  # the certifier's own businesses (not the body): their start page


def _applications():
    return select(Application).options(
        joinedload(Application.organisation).lazyload(Organisation.kind_rows), selectinload(Application.items)
    )


def _waiting(user, now: datetime) -> list[Waiting]:
    found = db.session.scalars(
        _applications()
        .where(Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.submitted_at, Application.id)
    ).all()
    return [
        Waiting(
            a,
            (now - a.submitted_at).days if a.submitted_at else 0,
            access.certifier_refusal(user, a.organisation),
        )
        for a in found
    ]


def _mine(user) -> list[Application]:
    return db.session.scalars(
        _applications()
        .where(Application.certifier_id == user.id, Application.status.in_(REVIEWING))
        .order_by(Application.submitted_at, Application.id)
    ).all()


def _audits_due(body_id: int, today: date) -> list[AuditDue]:
    """The body's applications in review without any audit yet, and those whose latest audit set a
    follow-up due within FOLLOW_UP_AHEAD days (overdue ones included)."""
    in_review = _applications().where(
        Application.certification_body_id == body_id, Application.status.in_(REVIEWING)
    )
    without = db.session.scalars(
        in_review.where(~exists().where(Audit.application_id == Application.id)).order_by(
            Application.submitted_at, Application.id
        )
    ).all()
    later = aliased(Audit)
    follow_ups = db.session.execute(
        in_review.add_columns(Audit.follow_up_until)
        .join(Audit, Audit.application_id == Application.id)
        .where(
            Audit.follow_up_until <= today + timedelta(days=FOLLOW_UP_AHEAD),
            ~exists().where(
                and_(later.application_id == Audit.application_id, later.audit_date > Audit.audit_date)
            ),
        )
        .order_by(Audit.follow_up_until, Application.id)
    ).all()
    return [*(AuditDue(a, due) for a, due in follow_ups), *(AuditDue(a, None) for a in without)]


def overview(user, today: date | None = None) -> Overview:
    """The certifier's start page; 403 for anyone who is not a certifier of a certification body."""
    body = access.certifier_body(user)
    now = clock.utcnow()
    today = today or now.date()
    return Overview(
        body=body,
        waiting=_waiting(user, now),
        mine=_mine(user),
        audits=_audits_due(body.id, today),
        expiring=expiring_certificates(None, today, body_id=body.id),
        businesses=[
            m.organisation
            for m in user.memberships
            if not m.organisation.has_kind(OrgKind.CERTIFICATION_BODY)
        ],
    )
