"""The certifier's pages: an application with its decision panel, comments, audits, document checks and
assignment, the summary confirmed before a certificate is issued, and a certificate's decisions. Every
refusal (a form's or a rule's) comes back on the page it was sent from, with what was typed, 4xx."""

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from ..catalogue import services as catalogue
from ..errors import RuleError
from ..extensions import db
from ..organisations import services as organisations
from ..payments import services as payments
from ..permissions import Role, login_required, requires, signed_in_user
from ..web import run
from . import access, audit, certificates, evidence, readiness, review, workflow
from .blueprint import bp
from .forms import (
    AssignForm,
    AuditForm,
    CertificateDecisionForm,
    CheckForm,
    CommentForm,
    DecisionForm,
    EvidenceForm,
)

# --- the application's page -----------------------------------------------------------------------


@bp.get("/certification/applications/<int:application_id>")
@login_required
def application(application_id):
    return application_page(access.get_application(signed_in_user(), application_id))


def _comment_form(application) -> CommentForm:
    form = CommentForm()
    form.criterion.choices = _criterion_choices(application)
    form.product.choices = [
        SelectChoice("", "–"),
        *(SelectChoice(str(i.product_id), i.product.name_de) for i in application.items),
    ]
    return form


def _criterion_choices(application) -> list[SelectChoice]:
    return [
        SelectChoice(c.code, f"{c.code} {c.title(str(get_locale()))}") for c in application.catalogue.criteria
    ]


def _audit_form(application) -> AuditForm:
    form = AuditForm()
    form.criteria.choices = _criterion_choices(application)
    return form


def _assign_form(application) -> AssignForm:
    form = AssignForm()
    form.colleague.choices = [
        SelectChoice(c.id, c.name) for c in review.colleagues(signed_in_user(), application)
    ]
    return form


def application_page(application, status: int = 200, refused=None, **refused_form):
    """The application's page; a form refused by a POST comes in `refused_form` (under its name in the
    page) and is shown with its errors and what was typed, answering `status` (400 unless given); a
    member's step the rules refused (`refused`, a WorkflowError) with its reason and links, answering 409."""
    may_decide, refusal = _as_certifier(application.organisation, application.certification_body_id)
    is_member = organisations.membership(signed_in_user(), application.organisation) is not None
    may_submit = is_member and application.status in ("draft", "changes_requested")
    forms = {
        "evidence_form": EvidenceForm(),
        "decision_form": DecisionForm(),
        "comment_form": _comment_form(application),
        "audit_form": _audit_form(application),
        "assign_form": _assign_form(application) if may_decide else None,
        "check_form": CheckForm(),
        **refused_form,
    }
    page = render_template(
        "certification/application.html",
        application=application,
        results=workflow.item_results(application),
        lines=review.review_lines(application) if may_decide or refusal else None,
        is_member=is_member,
        may_submit=may_submit,
        refused=refused,
        obstacles=readiness.submission_obstacles(
            signed_in_user(), application, workflow.evidence_kinds(application)
        )
        if may_submit
        else [],
        may_decide=may_decide,
        refusal=refusal,
        history=audit.history("application", application.id),
        certificate=certificates.certificate_of(application),
        **forms,
    )
    if refused is not None:
        return page, 409
    return page, (status if status != 200 else 400) if refused_form else 200


def _refused(application, form, error: RuleError, field: str):
    """A rule's refusal, shown next to the field it concerns (else `field`) in the form that was sent
    (the page then answers 409: the input was fine, the rules said no)."""
    db.session.rollback()
    target = getattr(form, error.field, None) or getattr(form, field)
    target.errors = [*target.errors, *error.messages]
    return form


DECISIONS = {
    "request_changes": workflow.request_changes,
    "reject": workflow.reject,
}


@bp.post("/certification/applications/<int:application_id>/decide")
@login_required
def decide(application_id):
    """The decision panel: request changes or reject at once; approve leads to the summary to confirm."""
    return _decide(access.get_application(signed_in_user(), application_id), DecisionForm())


def _decide(application, form: DecisionForm):
    user = signed_in_user()
    if refusal := access.certifier_refusal(user, application.organisation, application.certification_body_id):
        form.decision.errors = [refusal]
        return application_page(application, 403, decision_form=form)
    if not form.validate_on_submit():
        return application_page(application, decision_form=form)
    reason = form.reason.data or ""
    try:
        if form.decision.data == "approve":
            review.require_evidence(application)
        else:
            run(DECISIONS[form.decision.data], user, application, reason)
    except RuleError as error:
        return application_page(
            application, 409, decision_form=_refused(application, form, error, "decision")
        )
    if form.decision.data == "approve":
        # The summary is the answer to this POST: the reason stays in the form, out of the address
        # (browser history, access logs, the server's request-line limit).
        return _approval_page(application, reason)
    return done(application)


def done(application):
    """After a step: say where the application stands now, back on its page."""
    flash(
        _("Done: the application is now “%(status)s”.", status=workflow.status_label(application.status)),
        "success",
    )
    return redirect(url_for("certification.application", application_id=application.id))


@bp.get("/certification/applications/<int:application_id>/approval")
@requires(Role.CERTIFIER)
def approval(application_id):
    """What an approval would certify (products, criteria, evidence, validity), to confirm."""
    return _approval_page(access.get_application_for_certifier(signed_in_user(), application_id), "")


def _approval_page(application, reason: str):
    form = DecisionForm(formdata=None, data={"decision": "approve", "reason": reason})
    try:
        summary = review.approval_summary(signed_in_user(), application)
    except RuleError as error:
        return application_page(
            application, 409, decision_form=_refused(application, form, error, "decision")
        )
    return render_template("certification/approval.html", application=application, summary=summary, form=form)


@bp.post("/certification/applications/<int:application_id>/approve")
@login_required
def approve(application_id):
    """The confirmation of the summary: approve and issue the certificate."""
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = DecisionForm(data={"decision": "approve"})
    if not form.validate_on_submit():
        return application_page(application, decision_form=form)
    try:
        certificate = run(workflow.approve, signed_in_user(), application, form.reason.data or "")
    except RuleError as error:
        return application_page(
            application, 409, decision_form=_refused(application, form, error, "decision")
        )
    flash(_("Approved: certificate %(number)s has been issued.", number=certificate.number), "success")
    return redirect(url_for("certification.certificate", number=certificate.number))


def decision_by_address(application_id: int, action: str):
    """A decision sent to its own address (`routes.act`, as before the panel): the same as the panel's."""
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    return _decide(application, DecisionForm(data={"decision": action}))


@bp.post("/certification/evidence/<int:evidence_id>/check")
@requires(Role.CERTIFIER)
def check_evidence(evidence_id):
    document = evidence.get_evidence(signed_in_user(), evidence_id)
    application = document.application
    access.require_certifier_for(signed_in_user(), application)
    form = CheckForm()
    if not form.validate_on_submit():
        return application_page(application, check_form=form)
    checked = form.checked.data == "1"
    try:
        run(review.check_document, signed_in_user(), document, checked)
    except RuleError as error:
        return application_page(application, 409, check_form=_refused(application, form, error, "checked"))
    flash(
        _("The document is marked as checked.") if checked else _("The check has been taken back."), "success"
    )
    return redirect(url_for("certification.application", application_id=application.id, _anchor="evidence"))


@bp.post("/certification/applications/<int:application_id>/assign")
@requires(Role.CERTIFIER)
def assign(application_id):
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = _assign_form(application)
    if not form.validate_on_submit():
        return application_page(application, assign_form=form)
    try:
        colleague = run(review.assign, signed_in_user(), application, form.colleague.data)
    except RuleError as error:
        return application_page(application, 409, assign_form=_refused(application, form, error, "colleague"))
    flash(_("The application has been assigned to %(name)s.", name=colleague.name), "success")
    return redirect(url_for("certification.application", application_id=application.id))


@bp.post("/certification/applications/<int:application_id>/comments")
@requires(Role.CERTIFIER)
def add_comment(application_id):
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = _comment_form(application)
    if not form.validate_on_submit():
        return application_page(application, comment_form=form)
    product_id = int(form.product.data) if form.product.data else None
    try:
        run(workflow.comment, signed_in_user(), application, form.criterion.data, form.text.data, product_id)
    except RuleError as error:
        return application_page(application, 409, comment_form=_refused(application, form, error, "text"))
    return redirect(url_for("certification.application", application_id=application.id))


@bp.post("/certification/applications/<int:application_id>/audits")
@requires(Role.CERTIFIER)
def add_audit(application_id):
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = _audit_form(application)
    if not form.validate_on_submit():
        return application_page(application, audit_form=form)
    data = {
        k: form.data[k] for k in ("audit_date", "mode", "auditor", "findings", "follow_up_until", "criteria")
    }
    try:
        run(workflow.record_audit, signed_in_user(), application, data)
    except RuleError as error:
        return application_page(application, 409, audit_form=_refused(application, form, error, "auditor"))
    flash(_("The audit has been recorded."), "success")
    return redirect(url_for("certification.application", application_id=application.id))


# --- a certificate's page and its decisions ---------------------------------------------------------

CERTIFICATE_STEPS = {
    "suspend": lambda user, c, form: certificates.suspend(user, c, form.reason.data, form.remedy_until.data),
    "reinstate": lambda user, c, form: certificates.reinstate(user, c, form.reason.data or ""),
    "revoke": lambda user, c, form: certificates.revoke(user, c, form.reason.data or ""),
}


@bp.get("/certificates/<number>")
def certificate(number):
    return certificate_page(certificates.get_certificate(number[:20]))


def certificate_page(certificate, status: int = 200, form: CertificateDecisionForm | None = None):
    """The certificate's page; a refused decision comes back in `form` with its errors, answering `status`
    (400 unless given)."""
    may_decide, refusal = _as_certifier(certificate.organisation, certificate.certification_body_id)
    current = certificates.effective_status(certificate)
    offered = certificates.steps_for(current) if may_decide else []
    page = render_template(
        "certification/certificate.html",
        licensed=payments.is_current(certificate.organisation_id),
        certificate=certificate,
        paths=catalogue.public_paths([link.product_id for link in certificate.products]),
        status=current,
        history=audit.history("certificate", certificate.id),
        may_decide=may_decide,
        refusal=refusal,
        offered=offered,
        decision_form=(form or CertificateDecisionForm(formdata=None)).offer(offered),
    )
    return page, (status if status != 200 else 400) if form is not None else 200


@bp.post("/certification/certificates/<int:certificate_id>/decide")
@login_required
def certificate_decide(certificate_id):
    certificate = certificates.get_certificate_for_certifier(signed_in_user(), certificate_id)
    return _decide_certificate(certificate, CertificateDecisionForm())


@bp.post("/certification/certificates/<int:certificate_id>/<action>")
@login_required
def certificate_action(certificate_id, action):
    """A decision sent to its own address (as before the panel): the same as the panel's."""
    if action not in CERTIFICATE_STEPS:
        raise NotFound()
    certificate = certificates.get_certificate_for_certifier(signed_in_user(), certificate_id)
    return _decide_certificate(certificate, CertificateDecisionForm(data={"action": action}))


def _decide_certificate(certificate, form: CertificateDecisionForm):
    form.offer(list(CERTIFICATE_STEPS))
    try:
        if form.action.data in CERTIFICATE_STEPS:  # a step the status rules out: 409 whatever was typed
            certificates.require_step(certificate, form.action.data)
        if not form.validate_on_submit():
            return certificate_page(certificate, form=form)
        run(CERTIFICATE_STEPS[form.action.data], signed_in_user(), certificate, form)
    except RuleError as error:
        db.session.rollback()
        target = getattr(form, error.field, None) or form.action
        target.errors = [*target.errors, *error.messages]
        return certificate_page(certificate, 409, form=form)
    flash(
        _("The certificate is now “%(status)s”.", status=certificates.certificate_label(certificate.status)),
        "success",
    )
    return redirect(url_for("certification.certificate", number=certificate.number))


def _as_certifier(organisation, handled_by) -> tuple[bool, str | None]:
    """Whether the visitor may act here as a certifier, and if they are a certifier who may not, why
    (the page then offers no decisions and says so)."""
    if not current_user.is_authenticated or access.certification_body_of(signed_in_user()) is None:
        return False, None
    refusal = access.certifier_refusal(signed_in_user(), organisation, handled_by)
    return refusal is None, refusal
