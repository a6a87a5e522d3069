"""Certification pages: applications, the certifier's queue, certificates, catalogues, the public register."""

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from .. import hygiene
from ..catalogue import preview
from ..catalogue import services as catalogue
from ..catalogue.models import ProductStatus
from ..catalogue.signals import product_page
from ..errors import abort_with
from ..extensions import db
from ..organisations import services as organisations
from ..payments import services as payments
from ..permissions import Role, login_required, requires, signed_in_user
from ..web import listing, render_form, run
from . import access, audit, certificates, criteria, evidence, readiness, rules, workflow
from .forms import (
    ApplicationForm,
    AuditForm,
    CommentForm,
    CriterionForm,
    EvidenceForm,
    ReasonForm,
    SuspendForm,
    ValidityForm,
)

bp = Blueprint("certification", __name__)
PAGE_SIZE = 50


# --- producers ------------------------------------------------------------------------------------


@bp.get("/certification/")
@requires("member")
def index():
    return _index_page()


def _index_page(refused=None):
    """The organisation's certificates and applications; after a refused renewal (`refused`, a
    WorkflowError) with its reason and links, answering 409."""
    organisation = organisations.current(signed_in_user())
    page = render_template(
        "certification/index.html",
        organisation=organisation,
        applications=workflow.applications_of(organisation.id),
        certificates=certificates.certificates_of(organisation.id),
        status_of=certificates.effective_status,
        refused=refused,
    )
    return page, 409 if refused else 200


@bp.route("/certification/applications/new", methods=["GET", "POST"])
@requires("member")
def new_application():
    organisation = organisations.current(signed_in_user())
    products = catalogue.products_of(organisation.id, ProductStatus.ACTIVE)
    form = ApplicationForm()
    form.products.choices = [SelectChoice(p.id, p.name(str(get_locale()))) for p in products]
    refused = None
    if form.validate_on_submit():
        try:
            application = run(
                workflow.create_application, signed_in_user(), organisation.id, form.products.data
            )
        except access.WorkflowError as error:
            db.session.rollback()
            refused = error
        else:
            flash(_("The application has been created. Add your evidence, then submit it."), "success")
            return redirect(url_for("certification.application", application_id=application.id))
    current = criteria.current_catalogue()
    results = {p.id: criteria.precheck(p.current_version.data, current) for p in products}
    page, status = render_form(
        "certification/new.html",
        form,
        products=products,
        checks={i: rules.summary(r) for i, r in results.items()},
        open_results={i: readiness.open_results(r) for i, r in results.items()},
        catalogue=current,
        obstacles=readiness.obstacles(signed_in_user(), organisation.id),
        refused=refused,
    )
    return page, 400 if refused else status


@bp.get("/certification/applications/<int:application_id>")
@login_required
def application(application_id):
    return _application_page(access.get_application(signed_in_user(), application_id))


def _comment_form(application) -> CommentForm:
    form = CommentForm()
    form.criterion.choices = [
        SelectChoice(c.code, f"{c.code} {c.title(str(get_locale()))}") for c in application.catalogue.criteria
    ]
    form.product.choices = [
        SelectChoice("", "–"),
        *(SelectChoice(str(i.product_id), i.product.name_de) for i in application.items),
    ]
    return form


def _application_page(application, refused_action=None, refused=None, **refused_form):
    """The application's page; a form refused by a POST comes in `refused_form` (under its name in the
    page, with `refused_action` for the reason of an action) and is shown with its errors and what was
    typed, answering 400; a member's step the rules refused (`refused`, a WorkflowError) with its
    reason and links, answering 409."""
    is_member = organisations.membership(signed_in_user(), application.organisation) is not None
    may_submit = is_member and application.status in ("draft", "changes_requested")
    forms = {
        "evidence_form": EvidenceForm(),
        "reason_form": ReasonForm(),
        "comment_form": _comment_form(application),
        "audit_form": AuditForm(),
        **refused_form,
    }
    page = render_template(
        "certification/application.html",
        application=application,
        results=workflow.item_results(application),
        is_member=is_member,
        may_submit=may_submit,
        refused=refused,
        obstacles=readiness.submission_obstacles(
            signed_in_user(), application, workflow.evidence_kinds(application)
        )
        if may_submit
        else [],
        refusal=_as_certifier(application.organisation, application.certification_body_id)[1],
        refused_action=refused_action,
        history=audit.history("application", application.id),
        certificate=certificates.certificate_of(application),
        **forms,
    )
    return page, 400 if refused_form else 409 if refused else 200


@bp.post("/certification/applications/<int:application_id>/evidence")
@login_required
def upload_evidence(application_id):
    application = access.get_application(signed_in_user(), application_id)
    if organisations.membership(signed_in_user(), application.organisation) is None:
        abort_with(403, _("Only the applicant adds evidence."))
    form = EvidenceForm()
    if not form.validate_on_submit():
        return _application_page(application, evidence_form=form)
    with form.file.data.stream as upload:
        content = upload.read(evidence.MAX_BYTES + 1)
    try:
        evidence.add(signed_in_user(), application, form.kind.data, form.file.data.filename or "", content)
    except evidence.EvidenceRejected as error:
        db.session.rollback()
        form.file.errors.append(str(error))
        return _application_page(application, evidence_form=form)
    db.session.commit()
    flash(_("The document has been added."), "success")
    return redirect(url_for("certification.application", application_id=application.id))


@bp.get("/certification/evidence/<int:evidence_id>")
@login_required
def download_evidence(evidence_id):
    document = evidence.get_evidence(signed_in_user(), evidence_id)
    return send_from_directory(
        evidence.folder(),
        document.filename,
        mimetype=document.media_type,
        as_attachment=True,
        download_name=document.original_name or document.filename,
    )


ACTIONS = {
    "submit": (workflow.submit, False, "member"),
    "withdraw": (workflow.withdraw, False, "member"),
    "take": (workflow.take, False, "certifier"),
    "request_changes": (workflow.request_changes, True, "certifier"),
    "reject": (workflow.reject, True, "certifier"),
    "approve": (workflow.approve, True, "certifier"),
}


@bp.post("/certification/applications/<int:application_id>/<action>")
@login_required
def act(application_id, action):
    if action not in ACTIONS:
        raise NotFound()
    step, needs_reason, role = ACTIONS[action]
    get = access.get_application_for_certifier if role == "certifier" else access.get_application
    application = get(signed_in_user(), application_id)
    if needs_reason:
        form = ReasonForm()
        if not form.validate_on_submit():
            return _application_page(application, refused_action=action, reason_form=form)
        run(step, signed_in_user(), application, form.reason.data or "")
    elif role == "member":
        try:
            run(step, signed_in_user(), application)
        except access.WorkflowError as error:
            db.session.rollback()
            return _application_page(application, refused=error)
    else:
        run(step, signed_in_user(), application)
    flash(
        _("Done: the application is now “%(status)s”.", status=workflow.status_label(application.status)),
        "success",
    )
    return redirect(url_for("certification.application", application_id=application.id))


@bp.post("/certification/applications/<int:application_id>/comments")
@requires(Role.CERTIFIER)
def add_comment(application_id):
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = _comment_form(application)
    if not form.validate_on_submit():
        return _application_page(application, comment_form=form)
    product_id = int(form.product.data) if form.product.data else None
    run(workflow.comment, signed_in_user(), application, form.criterion.data, form.text.data, product_id)
    return redirect(url_for("certification.application", application_id=application.id))


@bp.post("/certification/applications/<int:application_id>/audits")
@requires(Role.CERTIFIER)
def add_audit(application_id):
    application = access.get_application_for_certifier(signed_in_user(), application_id)
    form = AuditForm()
    if not form.validate_on_submit():
        return _application_page(application, audit_form=form)
    data = {k: form.data[k] for k in ("audit_date", "mode", "auditor", "findings", "follow_up_until")}
    run(workflow.record_audit, signed_in_user(), application, data)
    flash(_("The audit has been recorded."), "success")
    return redirect(url_for("certification.application", application_id=application.id))


# --- certifiers -----------------------------------------------------------------------------------


@bp.get("/certification/queue")
@requires(Role.CERTIFIER)
def queue():
    body = access.certifier_body(signed_in_user())
    return render_template(
        "certification/queue.html",
        waiting=workflow.waiting_applications(),
        mine=workflow.applications_in_review(body.id),
        certificates=certificates.certificates_handled_by(body.id),
        status_of=certificates.effective_status,
        body=body,
        refusal_of=lambda subject: access.certifier_refusal(
            signed_in_user(), subject.organisation, subject.certification_body_id
        ),
    )


CERTIFICATE_ACTIONS = {"suspend", "reinstate", "revoke"}


@bp.post("/certification/certificates/<int:certificate_id>/<action>")
@login_required
def certificate_action(certificate_id, action):
    if action not in CERTIFICATE_ACTIONS:
        raise NotFound()
    certificate = certificates.get_certificate_for_certifier(signed_in_user(), certificate_id)
    if action == "suspend":
        form = SuspendForm()
        if not form.validate_on_submit():
            return _certificate_page(certificate, suspend_form=form)
        run(certificates.suspend, signed_in_user(), certificate, form.reason.data, form.remedy_until.data)
    else:
        form = ReasonForm()
        if not form.validate_on_submit():
            return _certificate_page(certificate, refused_action=action, reason_form=form)
        step = certificates.reinstate if action == "reinstate" else certificates.revoke
        run(step, signed_in_user(), certificate, form.reason.data or "")
    flash(
        _("The certificate is now “%(status)s”.", status=certificates.certificate_label(certificate.status)),
        "success",
    )
    return redirect(url_for("certification.certificate", number=certificate.number))


@bp.post("/certification/certificates/<int:certificate_id>/renew")
@requires("member")
def renew(certificate_id):
    certificate = certificates.get_certificate_for_member(signed_in_user(), certificate_id)
    try:
        application = run(certificates.start_renewal, signed_in_user(), certificate)
    except access.WorkflowError as error:
        db.session.rollback()
        return _index_page(refused=error)
    flash(_("A renewal application has been started."), "success")
    return redirect(url_for("certification.application", application_id=application.id))


# --- the pre-check on a product's page and, live, while editing it --------------------------------


@product_page.connect
def _precheck_panel(product, version):
    """The product page's pre-check panel: the current data against the current catalogue. Rendered here
    and handed to the catalogue's page through its signal, since the catalogue must not import us."""
    current = criteria.current_catalogue()
    results = criteria.precheck(version.data, current)
    return render_template(
        "certification/_product_precheck.html", product=product, criteria=current, results=results
    )


@bp.post("/certification/precheck")
@requires("member")
def precheck_preview():
    """The pre-check for the product form as it is now, unsaved (HTML fragment for the edit page)."""
    organisation_id = organisations.current(signed_in_user()).id
    product = None
    if product_id := hygiene.row_id(request.form.get("product_id")):
        product = catalogue.get_product_for_member(signed_in_user(), product_id)
        organisation_id = product.organisation_id
    data, problems = preview.posted_product(organisation_id, product)
    results = criteria.precheck(data, criteria.current_catalogue()) if data is not None else []
    db.session.rollback()
    return render_template(
        "certification/_precheck.html",
        results=results,
        problems=problems,
        data=data,
        catalogue=criteria.current_catalogue(),
    )


# --- criteria catalogues (admins) -----------------------------------------------------------------


@bp.get("/certification/catalogues")
@requires(Role.ADMIN)
def catalogues():
    return render_template("certification/catalogues.html", catalogues=criteria.catalogues())


@bp.post("/certification/catalogues/<int:catalogue_id>/draft")
@requires(Role.ADMIN)
def new_draft(catalogue_id):
    draft = run(criteria.new_draft, signed_in_user(), criteria.get_catalogue(catalogue_id))
    return redirect(url_for("certification.edit_catalogue", catalogue_id=draft.id))


@bp.route("/certification/catalogues/<int:catalogue_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_catalogue(catalogue_id):
    catalogue_ = criteria.get_catalogue(catalogue_id)
    forms = {c.id: CriterionForm.of(c) for c in catalogue_.criteria}
    validity = ValidityForm(prefix="v", obj=catalogue_)
    if request.method == "GET":
        return _catalogue_page(catalogue_, forms, validity)
    if problems := _save_draft(catalogue_, forms, validity):
        db.session.rollback()
        return _catalogue_page(catalogue_, forms, validity, problems)
    if request.form.get("publish"):
        return _publish(catalogue_)
    db.session.commit()
    flash(_("The draft has been saved."), "success")
    return redirect(url_for("certification.edit_catalogue", catalogue_id=catalogue_.id))


def _catalogue_page(catalogue_, forms, validity, problems=()):
    """The draft's page; after a refused save (`problems`) with what was typed, answering 400."""
    page = render_template(
        "certification/catalogue.html",
        catalogue=catalogue_,
        forms=forms,
        validity=validity,
        problems=problems,
    )
    return page, 400 if problems else 200


def _save_draft(catalogue_, forms, validity) -> list[str]:
    """Apply every criterion's form and the validity to the draft; the problems, each with its criterion's
    code (none when all of it was taken)."""
    problems = []
    for criterion in catalogue_.criteria:
        form = forms[criterion.id]
        form.validate()
        try:
            criteria.update_criterion(
                signed_in_user(),
                criterion,
                form.params_for(criterion.rule_type),
                form.evidence.data,
                form.texts(),
            )
        except access.WorkflowError as error:
            problems.append(f"{criterion.code}: {error}")
    if not validity.validate():
        return [*problems, " ".join(str(e) for e in validity.validity_months.errors)]
    try:
        criteria.set_validity(signed_in_user(), catalogue_, validity.validity_months.data)
    except access.WorkflowError as error:
        problems.append(str(error))
    return problems


@bp.post("/certification/catalogues/<int:catalogue_id>/publish")
@requires(Role.ADMIN)
def publish(catalogue_id):
    return _publish(criteria.get_catalogue(catalogue_id))


def _publish(catalogue_):
    run(criteria.publish, signed_in_user(), catalogue_)
    flash(
        _("Version %(n)d has been published. New applications are checked against it.", n=catalogue_.version),
        "success",
    )
    return redirect(url_for("certification.catalogues"))


# --- the public register --------------------------------------------------------------------------


@bp.get("/certified")
def register():
    query = request.args.get("q", "")[:100]
    category = request.args.get("category", "")
    district = request.args.get("district", "")[:80]
    categories = catalogue.categories()
    category_id = next((c.id for c in categories if c.slug == category), None)
    return render_template(
        "certification/register.html",
        entries=listing(partial(certificates.register, query, category_id, district), PAGE_SIZE),
        query=query,
        category=category,
        district=district,
        categories=categories,
        districts=organisations.districts(),
        status_of=certificates.effective_status,
    )


@bp.get("/certificates/<number>")
def certificate(number):
    return _certificate_page(certificates.get_certificate(number[:20]))


def _certificate_page(certificate, refused_action=None, **refused_form):
    """The certificate's page; a refused form as in `_application_page`."""
    may_decide, refusal = _as_certifier(certificate.organisation, certificate.certification_body_id)
    page = render_template(
        "certification/certificate.html",
        licensed=payments.is_current(certificate.organisation_id),
        certificate=certificate,
        status=certificates.effective_status(certificate),
        history=audit.history("certificate", certificate.id),
        may_decide=may_decide,
        refusal=refusal,
        refused_action=refused_action,
        **{"suspend_form": SuspendForm(), "reason_form": ReasonForm(), **refused_form},
    )
    return page, 400 if refused_form else 200


def _as_certifier(organisation, handled_by) -> tuple[bool, str | None]:
    """Whether the visitor may act here as a certifier, and if they are a certifier who may not, why
    (the page then offers no decisions and says so)."""
    if not current_user.is_authenticated or access.certification_body_of(signed_in_user()) is None:
        return False, None
    refusal = access.certifier_refusal(signed_in_user(), organisation, handled_by)
    return refusal is None, refusal
