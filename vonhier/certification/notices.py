"""Who hears of a certification step, by mail through the outbox, each in their own language: the
applicant's members of every step of their application and certificate; the certifiers of the
certification bodies of a new application in the queue; a certifier of what the applicant did to an
application they handle, and of one assigned to them. Nobody is told what they did themselves."""

from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import region
from ..accounts.models import User, UserRole
from ..extensions import db
from ..outbox import mail
from ..permissions import Role
from ..web import external_url
from .access import certifier_refusal
from .models import Application, ApplicationStatus, Certificate
from .names import APPLICATION_STATUS, RECORD_ACTION

# Steps of the applicant that the certifier handling the application hears of.
APPLICANT_STEPS = {"resubmit", "withdraw"}


class InLocale:
    """A value rendered lazily, in whatever language the mail is being written in (subjects)."""

    def __init__(self, render, value):
        self.render, self.value = render, value

    def __str__(self):
        return self.render(self.value)


def status_label(status) -> str:
    return str(APPLICATION_STATUS[ApplicationStatus(status)])


def _link(application: Application) -> str:
    return external_url("certification.application", application_id=application.id)


def application_changed(
    application: Application, action: str, reason: str = "", certificate: Certificate | None = None
) -> None:
    """Mail what a step (`action`) did to the application: the applicant's members always (an approval
    names its certificate); the certifiers of every body when it enters the queue; the certifier handling
    it when the applicant resubmitted or withdrew it."""
    for member in application.organisation.memberships:
        mail.send(
            member.user.email,
            _l(
                "Your %(label)s application %(number)d: %(status)s",
                label=region.label_name(),
                number=application.id,
                status=InLocale(status_label, application.status),
            ),
            "application_status",
            locale=member.user.locale,
            application=application,
            reason=reason,
            certificate=certificate,
            link=external_url("certification.certificate", number=certificate.number)
            if certificate
            else _link(application),
        )
    if action == "submit":
        for certifier in queue_certifiers(application):
            mail.send(
                certifier.email,
                _l("New in the certification queue: application %(number)d", number=application.id),
                "application_queued",
                locale=certifier.locale,
                application=application,
                link=_link(application),
            )
    elif action in APPLICANT_STEPS and application.certifier:
        mail.send(
            application.certifier.email,
            _l(
                "%(label)s application %(number)d: %(status)s",
                label=region.label_name(),
                number=application.id,
                status=InLocale(lambda step: str(RECORD_ACTION[step]), action),
            ),
            "application_certifier",
            locale=application.certifier.locale,
            application=application,
            action=action,
            link=_link(application),
        )


def queue_certifiers(application: Application) -> list[User]:
    """The certifiers who may take the application: every certifier of a certification body, but not
    those with a conflict of interest (members of the applicant)."""
    certifiers = (
        select(User).join(User.roles).where(UserRole.role == Role.CERTIFIER, User.is_active).order_by(User.id)
    )
    return [
        user
        for user in db.session.scalars(certifiers)
        if certifier_refusal(user, application.organisation) is None
    ]


def assigned(application: Application, colleague: User, by: User) -> None:
    mail.send(
        colleague.email,
        _l(
            "%(label)s application %(number)d has been assigned to you",
            label=region.label_name(),
            number=application.id,
        ),
        "application_assigned",
        locale=colleague.locale,
        application=application,
        by=by,
        link=_link(application),
    )


def certificate_ends(certificate: Certificate, days: int) -> None:
    """The 60- and 30-day reminders to the holder's members."""
    for member in certificate.organisation.memberships:
        mail.send(
            member.user.email,
            _l(
                "Your %(label)s certificate ends on %(date)s",
                label=region.label_name(),
                date=InLocale(format_date, certificate.valid_until),
            ),
            "certificate_reminder",
            locale=member.user.locale,
            certificate=certificate,
            days=days,
            link=external_url("certification.index"),
        )
