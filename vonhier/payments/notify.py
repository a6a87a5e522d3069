"""The licence's mails, queued in the outbox in the caller's transaction, each in its reader's language:
the invoice (with its PDF) to the owners, who pay; "licence active" to every member, who may now apply."""

from flask_babel import lazy_gettext as _l

from .. import region
from ..organisations.models import Organisation
from ..outbox import mail
from ..permissions import MemberRole
from ..web import external_url
from . import invoice_pdf, years


def _people(organisation: Organisation, owners_only: bool = False) -> list:
    people = {
        m.user
        for m in organisation.memberships
        if m.user.is_active and (m.role == MemberRole.OWNER or not owners_only)
    }
    return sorted(people, key=lambda person: person.id)


def invoice_issued(invoice) -> None:
    licence = invoice.licence
    attachment = (f"{invoice.number}.pdf", "application/pdf", invoice_pdf.render(invoice))
    for person in _people(licence.organisation, owners_only=True):
        mail.send(
            person.email,
            _l(
                "%(label)s invoice %(number)s for the licence %(year)d",
                label=region.label_name(),
                number=invoice.number,
                year=licence.year,
            ),
            "invoice_issued",
            locale=person.locale,
            attachments=[attachment],
            invoice=invoice,
            licence=licence,
            link=external_url("payments.invoice", invoice_id=invoice.id),
        )


def licence_active(licence) -> None:
    for person in _people(licence.organisation):
        mail.send(
            person.email,
            _l("Your %(label)s licence %(year)d is active", label=region.label_name(), year=licence.year),
            "licence_active",
            locale=person.locale,
            licence=licence,
            this_year=years.this_year,
            link=external_url("payments.licence"),
        )
