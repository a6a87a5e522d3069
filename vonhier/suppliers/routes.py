"""Supplier search for retailers, supplier pages, shortlists, inquiry threads and suppliers' own settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from .. import spreadsheet
from ..arguments import Refused
from ..catalogue import services as catalogue
from ..certification.certificates import effective_status
from ..errors import abort_with
from ..extensions import db
from ..organisations import services as organisations
from ..permissions import requires, signed_in_user
from ..web import render_form, run
from . import export as csv_files
from . import search as supplier_search
from . import services
from .forms import (
    KNOWN_ARGS,
    InquiryForm,
    ReplyForm,
    ShortlistNoteForm,
    SupplierProfileForm,
    default_origin,
    parse_search,
)

bp = Blueprint("suppliers", __name__)


@bp.context_processor
def _template_helpers():
    return {"status_of": effective_status}


def _retailer():
    """The signed-in retailer, its sites and the categories: what the search and its form need."""
    retailer = services.retailer_of(signed_in_user())
    return retailer, services.retailer_sites(retailer), catalogue.categories()


def _search_args() -> dict:
    """The current search's arguments without the page, for links to other pages and the export."""
    return {k: request.args.getlist(k) for k in KNOWN_ARGS - {"page"} if request.args.get(k, "") != ""}


@bp.get("/suppliers/")
@requires("retailer")
def search():
    """The search form, filled in from the URL, and its results; a refused argument shows the form
    again with what was typed and the reason in place of the results (400), as the consumer finder
    does."""
    retailer, sites, categories = _retailer()
    query, results, refusal = None, None, None
    try:
        query = parse_search(request.args, categories, retailer, sites)
    except Refused as refused:
        refusal = refused.description
    else:
        results = supplier_search.search(signed_in_user(), query)
    return render_template(
        "suppliers/search.html",
        retailer=retailer,
        sites=sites,
        measurable=default_origin(retailer, sites) is not None,
        categories=categories,
        query=query,
        results=results,
        refusal=refusal,
        args=_search_args(),
        shortlisted=services.shortlisted_ids(signed_in_user()),
    ), (400 if refusal else 200)


@bp.get("/suppliers/export.csv")
@requires("retailer")
def export():
    retailer, sites, categories = _retailer()
    try:
        query = parse_search(request.args, categories, retailer, sites)
    except Refused:
        return search()  # the export is a link from the search page: it says why, with the form
    body = csv_files.search_csv(signed_in_user(), query, str(get_locale()))
    return spreadsheet.download(body, "von-hier-suppliers.csv")


@bp.get("/suppliers/<int:organisation_id>")
@requires("retailer")
def supplier(organisation_id):
    return _supplier_page(organisation_id, InquiryForm())


def _supplier_page(organisation_id, form):
    organisation = services.get_supplier(signed_in_user(), organisation_id)
    return render_form(
        "suppliers/supplier.html",
        form,
        organisation=organisation,
        profile=services.profile_of(organisation.id),
        products=services.certified_products(organisation),
        certificates=services.certificates_of(organisation),
        shortlisted=organisation.id in services.shortlisted_ids(signed_in_user()),
        retailer=services.retailer_of(signed_in_user()),
    )


@bp.post("/suppliers/<int:organisation_id>/inquiry")
@requires("retailer")
def inquire(organisation_id):
    form = InquiryForm()
    if not form.validate_on_submit():
        return _supplier_page(organisation_id, form)
    try:
        thread = services.start_inquiry(signed_in_user(), organisation_id, form.subject.data, form.body.data)
    except services.InquiryError as error:
        db.session.rollback()
        form.body.errors = [str(error)]
        return _supplier_page(organisation_id, form)
    db.session.commit()
    flash(_("Your inquiry has been sent."), "success")
    return redirect(url_for("suppliers.thread", thread_id=thread.id))


@bp.post("/suppliers/<int:organisation_id>/shortlist")
@requires("retailer")
def shortlist_add(organisation_id):
    services.add_to_shortlist(signed_in_user(), organisation_id)
    db.session.commit()
    flash(_("Added to your shortlist."), "success")
    return redirect(_back(url_for("suppliers.supplier", organisation_id=organisation_id)))


@bp.post("/suppliers/<int:organisation_id>/shortlist/remove")
@requires("retailer")
def shortlist_remove(organisation_id):
    services.remove_from_shortlist(signed_in_user(), organisation_id)
    db.session.commit()
    flash(_("Removed from your shortlist."), "success")
    return redirect(_back(url_for("suppliers.shortlist")))


def _back(default: str) -> str:
    from ..security import safe_next

    return safe_next(request.form.get("next", "")) or default


@bp.get("/suppliers/shortlist")
@requires("retailer")
def shortlist():
    return _shortlist_page(None, ShortlistNoteForm())


def _note_form(supplier_id: int, **values) -> ShortlistNoteForm:
    """A supplier's note form: prefixed by the supplier, so that the page's forms have ids of their own."""
    return ShortlistNoteForm(prefix=f"supplier-{supplier_id}", **values)


def _shortlist_page(refused_id: int | None, refused: ShortlistNoteForm):
    """The shortlist, each supplier with its note's form; a refused note (400) is shown in its own
    supplier's form with what was typed, the others as saved."""
    entries = services.shortlist(signed_in_user())
    forms = {
        entry.supplier_id: refused
        if entry.supplier_id == refused_id
        else _note_form(entry.supplier_id, formdata=None, note=entry.note)
        for entry, _ in entries
    }
    return render_form(
        "suppliers/shortlist.html",
        refused,
        retailer=services.retailer_of(signed_in_user()),
        entries=entries,
        forms=forms,
    )


@bp.post("/suppliers/<int:organisation_id>/shortlist/note")
@requires("retailer")
def shortlist_note(organisation_id):
    form = _note_form(organisation_id)
    if not form.validate_on_submit():
        return _shortlist_page(organisation_id, form)
    run(services.save_note, signed_in_user(), organisation_id, form.note.data, success=_("Note saved."))
    return redirect(url_for("suppliers.shortlist", _anchor=f"supplier-{organisation_id}"))


@bp.get("/suppliers/shortlist.csv")
@requires("retailer")
def shortlist_export():
    return spreadsheet.download(csv_files.shortlist_csv(signed_in_user()), "von-hier-shortlist.csv")


# --- inquiries: both sides ------------------------------------------------------------------------


@bp.get("/inquiries/")
@requires("member")
def threads():
    organisation = organisations.current(signed_in_user())
    return render_template(
        "suppliers/threads.html",
        organisation=organisation,
        threads=services.threads_of(signed_in_user(), organisation),
    )


@bp.route("/inquiries/<int:thread_id>", methods=["GET", "POST"])
@requires("member")
def thread(thread_id):
    thread = services.get_thread(signed_in_user(), thread_id)
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            services.reply(signed_in_user(), thread, form.body.data)
        except services.InquiryError as error:
            db.session.rollback()
            form.body.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("Your reply has been sent."), "success")
            return redirect(url_for("suppliers.thread", thread_id=thread.id, _anchor="reply"))
    else:
        services.mark_read(signed_in_user(), thread)
        db.session.commit()
    return render_form("suppliers/thread.html", form, thread=thread)


# --- suppliers' own settings ----------------------------------------------------------------------


@bp.route("/suppliers/settings", methods=["GET", "POST"])
@requires("member")
def settings():
    organisation = organisations.current(signed_in_user())
    if not services.may_edit_profile(organisation):
        abort_with(403, _("Delivery settings are for producers and processors."))
    profile = services.profile_of(organisation.id)
    form = SupplierProfileForm(obj=profile)
    if form.validate_on_submit():
        services.save_profile(
            signed_in_user(), organisation, {n: getattr(form, n).data for n in services.PROFILE_FIELDS}
        )
        db.session.commit()
        flash(_("Your delivery settings have been saved."), "success")
        return redirect(url_for("suppliers.settings"))
    return render_form("suppliers/settings.html", form, organisation=organisation)
