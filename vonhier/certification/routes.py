"""Certification pages: applications, the certifier's queue, certificates, catalogues, the public register."""

from functools import partial

from flask import flash, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
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
from ..permissions import Role, login_required, requires, signed_in_user
from ..web import listing, render_form, run
from . import access, certificates, criteria, evidence, law, readiness, review_pages, rules, workflow
from .blueprint import bp
from .forms import (
    ApplicationForm,
    CriterionForm,
    EvidenceForm,
    ValidityForm,
)

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


@bp.post("/certification/applications/<int:application_id>/evidence")
@login_required
def upload_evidence(application_id):
    application = access.get_application(signed_in_user(), application_id)
    if organisations.membership(signed_in_user(), application.organisation) is None:
        abort_with(403, _("Only the applicant adds evidence."))
    form = EvidenceForm()
    if not form.validate_on_submit():
        return review_pages.application_page(application, evidence_form=form)
    with form.file.data.stream as upload:
        content = upload.read(evidence.MAX_BYTES + 1)
    try:
        evidence.add(signed_in_user(), application, form.kind.data, form.file.data.filename or "", content)
    except evidence.EvidenceRejected as error:
        db.session.rollback()
        form.file.errors.append(str(error))
        return review_pages.application_page(application, evidence_form=form)
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
    "submit": (workflow.submit, "member"),
    "withdraw": (workflow.withdraw, "member"),
    "take": (workflow.take, "certifier"),
}


@bp.post("/certification/applications/<int:application_id>/<action>")
@login_required
def act(application_id, action):
    """A step without a reason; a decision with one goes the way of the certifier's panel (review_pages)."""
    if action in review_pages.DECISIONS:
        return review_pages.decision_by_address(application_id, action)
    if action not in ACTIONS:
        raise NotFound()
    step, role = ACTIONS[action]
    get = access.get_application_for_certifier if role == "certifier" else access.get_application
    application = get(signed_in_user(), application_id)
    if role == "member":
        try:
            run(step, signed_in_user(), application)
        except access.WorkflowError as error:
            db.session.rollback()
            return review_pages.application_page(application, refused=error)
    else:
        run(step, signed_in_user(), application)
    return review_pages.done(application)


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
        "certification/_product_precheck.html",
        product=product,
        criteria=current,
        results=results,
        warnings=law.warnings(version.data),
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
        warnings=law.warnings(data) if data is not None else [],
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
    entries = listing(partial(certificates.register, query, category_id, district), PAGE_SIZE)
    return render_template(
        "certification/register.html",
        entries=entries,
        paths=catalogue.public_paths([entry.product_id for entry in entries.rows]),
        query=query,
        category=category,
        district=district,
        categories=categories,
        districts=organisations.districts(),
        status_of=certificates.effective_status,
    )
