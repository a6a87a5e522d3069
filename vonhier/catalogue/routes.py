"""Catalogue pages for members: sites, products, batches, supplier confirmations, CSV import/export."""

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_template,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from wtforms.fields.choices import SelectChoice

from .. import hygiene, media, spreadsheet
from ..errors import abort_with
from ..extensions import db, limiter
from ..geo.places import LocationError, candidate_places, location_warning
from ..organisations.services import current_organisation
from ..permissions import login_required, requires, signed_in_user
from ..web import cells, panels, render_form
from . import csv_export, csv_io, services
from . import origins as origin_search
from .forms import ArchiveForm, BatchForm, ImportForm, ProductForm, SiteForm
from .models import ProductStatus
from .signals import product_head, product_page, products_listed

bp = Blueprint("catalogue", __name__, url_prefix="/catalogue")


def _origins_limit() -> str:
    return current_app.config["RATELIMIT_ORIGINS"]


def _member_key() -> str:
    """Suggestions are counted per member (colleagues may share an address), else per address."""
    return f"user:{getattr(signed_in_user(), 'id', None) or request.remote_addr}"


@bp.get("/")
@requires("member")
def index():
    organisation = current_organisation()
    return render_template(
        "catalogue/index.html",
        organisation=organisation,
        sites=services.sites_of(organisation.id),
        products=services.products_of(organisation.id),
        requests=[r for r in services.supplier_requests(organisation.id) if r.status == "pending"],
    )


# --- sites --------------------------------------------------------------------------------------------


@bp.get("/sites")
@requires("member")
def sites():
    organisation = current_organisation()
    return render_template(
        "catalogue/sites.html",
        organisation=organisation,
        sites=services.sites_of(organisation.id, include_archived=True),
    )


def _site_form_page(form, site=None):
    return render_form("catalogue/site_edit.html", form, site=site)


@bp.route("/sites/new", methods=["GET", "POST"])
@requires("member")
def create_site():
    return _save_site(None)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@login_required
def edit_site(site_id):
    return _save_site(services.get_site_for_member(signed_in_user(), site_id))


def _save_site(site):
    organisation_id = site.organisation_id if site else current_organisation().id
    form = SiteForm(obj=site)
    if request.method == "GET" and site:
        form.kind.data = site.kind.value
    if form.validate_on_submit():
        try:
            site = services.save_site(signed_in_user(), organisation_id, site, form.site_data())
        except LocationError as error:
            # Without coordinates the town was looked up; with them, the coordinates are at fault.
            field = form.latitude if form.latitude.data is not None else form.town
            field.errors = [*field.errors, *error.messages]
        else:
            db.session.commit()
            where = _("inside the region") if site.in_region else _("outside the region")
            flash(
                _("The site “%(name)s” has been saved. It lies %(where)s.", name=site.name, where=where),
                "success",
            )
            if warning := location_warning(site):
                flash(warning, "warning")
            return redirect(url_for("catalogue.sites"))
    return _site_form_page(form, site)


@bp.post("/sites/<int:site_id>/archive")
@login_required
def archive_site(site_id):
    site = services.get_site_for_member(signed_in_user(), site_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        abort_with(400, _("Unknown action."))
    services.set_site_archived(signed_in_user(), site, bool(form.archived.data))
    db.session.commit()
    flash(
        _("The site has been archived.") if form.archived.data else _("The site is active again."), "success"
    )
    return redirect(url_for("catalogue.sites"))


@bp.get("/places")
@login_required
def places():
    """Town look-up for the site form's "find" button (JSON)."""
    query = request.args.get("q", "").strip()
    if not 2 <= len(query) <= 80:
        return {"error": {"status": 400, "message": _("Please enter 2 to 80 characters.")}}, 400
    found = candidate_places(query, country=request.args.get("country", "DE")[:2])
    return {"places": [{"label": p.label, "lat": p.latitude, "lon": p.longitude} for p in found]}


@bp.get("/origins")
@requires("member")
@limiter.limit(_origins_limit, key_func=_member_key)
def origins():
    """Suggestions for an ingredient's "Comes from" field while it is typed (JSON, texts only)."""
    query = request.args.get("q", "")
    problem = hygiene.text_problem(query)
    if problem is None and not 2 <= len(query.strip()) <= 80:
        problem = _("Please enter 2 to 80 characters.")
    if problem:
        return {"error": {"status": 400, "message": problem}}, 400
    return {"origins": origin_search.suggest(current_organisation().id, query)}


# --- products -----------------------------------------------------------------------------------------


@bp.get("/products")
@requires("member")
def products():
    organisation = current_organisation()
    archived = request.args.get("archived") == "1"
    products = services.products_of(
        organisation.id, ProductStatus.ARCHIVED if archived else ProductStatus.ACTIVE
    )
    return render_template(
        "catalogue/products.html",
        organisation=organisation,
        archived=archived,
        products=products,
        status=cells(products_listed, organisation, products=products) if products else {},
    )


def _product_form(organisation_id, product=None):
    form = ProductForm(obj=product)
    form.category.choices = [
        SelectChoice("", "–"),
        *(SelectChoice(c.slug, c.name(str(get_locale()))) for c in services.categories()),
    ]
    if request.method == "GET":
        if product:
            _fill_product_form(form, product)
        form.add_blank_rows()
    elif request.form.get("more"):
        form.add_blank_rows(ingredients=3, stages=1)
    form.set_site_choices(*services.origin_choices(organisation_id))
    if request.method == "GET" and product:
        form.show_origins(product.ingredients)
    return form


def _fill_product_form(form, product):
    form.category.data = product.category.slug
    form.package_unit.data = product.package_unit.value if product.package_unit else ""
    form.species.data = product.species.value if product.species else ""
    form.husbandry_level.data = str(product.husbandry_level or "")
    form.allergen_traces.data = list(product.allergen_traces)
    form.allergen_free.data = product.allergens_recorded and not (
        product.allergen_traces or any(i.allergens for i in product.ingredients)
    )
    # ProductForm(obj=product) filled the row lists from the models; replace them with form values.
    for rows in (form.ingredients, form.stages):
        while rows.entries:
            rows.pop_entry()
    for row in product.ingredients:
        form.ingredients.append_entry(
            {
                "ingredient": row.name,
                "share": row.share,
                "is_main": row.is_main,
                "is_value_determining": row.is_value_determining,
                "is_water_or_salt": row.is_water_or_salt,
                "allergens": list(row.allergens),
            }
        )
    for stage in product.stages:
        form.stages.append_entry({"kind": stage.kind.value, "site": str(stage.site_id)})


@bp.route("/products/new", methods=["GET", "POST"])
@requires("member")
def create_product():
    return _save_product(current_organisation().id, None)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@login_required
def edit_product(product_id):
    product = services.get_product_for_member(signed_in_user(), product_id)
    return _save_product(product.organisation_id, product)


def _save_product(organisation_id, product):
    form = _product_form(organisation_id, product)
    problems = []
    if not request.form.get("more") and form.validate_on_submit():
        data = form.product_input()
        try:
            saved = media.save_with_image(
                form,
                lambda: services.save_product(signed_in_user(), organisation_id, product, data),
                services.add_image,
            )
        except services.CatalogueError as error:
            problems = error.messages
        else:
            if saved:
                flash(_("The product has been saved."), "success")
                return redirect(url_for("catalogue.product", product_id=saved.id))
    status = 400 if request.method == "POST" and not request.form.get("more") else 200
    return render_template(
        "catalogue/product_edit.html", form=form, product=product, problems=problems, invalid=status == 400
    ), status


@bp.get("/products/<int:product_id>")
@login_required
def product(product_id):
    product = services.get_product_for_member(signed_in_user(), product_id)
    version = product.current_version
    return render_template(
        "catalogue/product.html",
        product=product,
        version=version,
        panels=panels(product_page, product, version=version) if version else [],
        head=panels(product_head, product),
        archive_form=ArchiveForm(),
    )


@bp.get("/products/<int:product_id>/versions/<int:number>")
@login_required
def version(product_id, number):
    product = services.get_product_for_member(signed_in_user(), product_id)
    found = next((v for v in product.versions if v.number == number), None)
    if found is None:
        raise NotFound()
    return render_template("catalogue/version.html", product=product, version=found)


@bp.post("/products/<int:product_id>/archive")
@login_required
def archive_product(product_id):
    product = services.get_product_for_member(signed_in_user(), product_id)
    form = ArchiveForm()
    if not form.validate_on_submit():
        abort_with(400, _("Unknown action."))
    services.set_product_archived(signed_in_user(), product, bool(form.archived.data))
    db.session.commit()
    flash(
        _("The product has been archived. Its history is kept.")
        if form.archived.data
        else _("The product is active again."),
        "success",
    )
    return redirect(url_for("catalogue.product", product_id=product.id))


@bp.post("/products/<int:product_id>/images/<int:image_id>/delete")
@login_required
def delete_image(product_id, image_id):
    product = services.get_product_for_member(signed_in_user(), product_id)
    services.remove_image(signed_in_user(), product, image_id)
    db.session.commit()
    flash(_("The photo has been removed."), "success")
    return redirect(url_for("catalogue.product", product_id=product.id))


# --- batches --------------------------------------------------------------------------------------------


def _batch_form(product, batch=None):
    form = BatchForm(obj=batch)
    own, others = services.origin_choices(product.organisation_id)
    form.origin_site_id.choices = [
        SelectChoice("", "–"),
        *(SelectChoice(str(s.id), s.label) for s in own),
        *(SelectChoice(str(s.id), f"{s.organisation.display_name}: {s.label}") for s in others),
    ]
    return form


@bp.route("/products/<int:product_id>/batches/new", methods=["GET", "POST"])
@login_required
def create_batch(product_id):
    product = services.get_product_for_member(signed_in_user(), product_id)
    return _save_batch(product, None)


@bp.route("/batches/<int:batch_id>/edit", methods=["GET", "POST"])
@login_required
def edit_batch(batch_id):
    batch = services.get_batch_for_member(signed_in_user(), batch_id)
    return _save_batch(batch.product, batch)


def _save_batch(product, batch):
    form = _batch_form(product, batch)
    if form.validate_on_submit():
        try:
            services.save_batch(signed_in_user(), product, batch, form.batch_data())
        except services.CatalogueError as error:
            field = form.best_before if error.field == "best_before" else form.lot
            field.errors = [*field.errors, *error.messages]
        else:
            db.session.commit()
            flash(_("The batch has been saved."), "success")
            return redirect(url_for("catalogue.product", product_id=product.id))
    return render_form("catalogue/batch_edit.html", form, product=product, batch=batch)


# --- supplier confirmation ------------------------------------------------------------------------------


@bp.get("/supplier-requests")
@requires("member")
def supplier_requests():
    organisation = current_organisation()
    return render_template(
        "catalogue/supplier_requests.html",
        organisation=organisation,
        requests=services.supplier_requests(organisation.id),
        form=ArchiveForm(),
    )


@bp.post("/supplier-requests/<int:link_id>")
@login_required
def decide_supplier_request(link_id):
    decision = request.form.get("decision")
    if decision not in ("confirm", "decline"):
        abort_with(400, _("Unknown action."))
    services.decide_supplier_request(signed_in_user(), link_id, decision == "confirm")
    db.session.commit()
    flash(_("Thank you, your answer has been recorded."), "success")
    return redirect(url_for("catalogue.supplier_requests"))


# --- CSV ----------------------------------------------------------------------------------------------------


@bp.get("/export.csv")
@requires("member")
def export_csv():
    organisation = current_organisation()
    return spreadsheet.download(
        csv_export.export(organisation.id), f"vonhier-{organisation.id}-catalogue.csv"
    )


@bp.get("/sample.csv")
@requires("member")
def sample_csv():
    organisation = current_organisation()
    return spreadsheet.download(csv_export.sample(organisation.id), "vonhier-catalogue-sample.csv")


@bp.route("/import", methods=["GET", "POST"])
@requires("member")
def import_csv():
    organisation = current_organisation()
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        with form.file.data.stream as upload:  # large uploads are spooled to a temporary file
            raw = upload.read()
        try:
            report = csv_io.preview(signed_in_user(), organisation.id, raw)
        except csv_io.ImportRejected as error:
            form.file.errors = [str(error)]
        else:
            db.session.rollback()  # the preview resolved places and sites; nothing of it is kept
    status = 400 if request.method == "POST" and (form.errors or (report and not report.ok)) else 200
    return render_template(
        "catalogue/import.html", form=form, report=report, organisation=organisation
    ), status


@bp.post("/import/<token>")
@requires("member")
def run_import(token):
    organisation = current_organisation()
    try:
        job = csv_io.stored_upload(organisation.id, token)
    except csv_io.ImportRejected as error:
        abort_with(400, str(error))
    # The page is streamed after this view has returned and its database session has been closed:
    # load what the layout shows now, and let the import work in a session of its own.
    user = signed_in_user()
    _ = [(m.organisation.display_name, r.role) for m in user.memberships for r in user.roles]
    steps = csv_io.run_with_progress(user.id, organisation.id, job)
    page = stream_template("catalogue/import_progress.html", steps=steps, organisation=organisation)
    # Proxies must pass the progress through as it is produced, not buffer it.
    return Response(page, mimetype="text/html", headers={"X-Accel-Buffering": "no"})
