"""The producer's pre-order pages (the buyer's are in shop_pages.py, on the same blueprint): offers by
outlet, adding and changing an offer, pausing it, the dates an outlet is closed for pick-up, and the shop
settings. Refusals come back on the page with what was
typed (400); a lost race is a 409 or a redirect to what the first request made (errors.py)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from .. import hygiene
from ..errors import abort_with
from ..extensions import db
from ..organisations.services import current_organisation
from ..permissions import login_required, requires, signed_in_user
from ..web import run

# The buyer's pages (shop_pages, order_pages) and the producer's received orders (received_pages) join
# the blueprint; shown: the receivers that show offers on the pages of the features before this one
# (provenance, outlets, the catalogue, the finder).
from . import legal, order_pages, received_pages, services, shop_pages, shown  # noqa: F401 (the page modules)
from .blueprint import bp
from .forms import ActiveForm, ClosureForm, OfferForm, SettingsForm


@bp.get("/offers")
@requires("member")
def offers():
    organisation = current_organisation()
    return _offers_page(organisation, SettingsForm(obj=services.settings_of(organisation.id)))


def _offers_page(organisation, settings_form):
    status = 400 if settings_form.errors else 200
    return render_template(
        "orders/offers.html",
        organisation=organisation,
        groups=services.offers_by_outlet(organisation.id),
        settings_form=settings_form,
        legal=legal.legal_details_of(organisation.id),
        active_form=ActiveForm(),
    ), status


@bp.post("/settings")
@requires("member")
def settings():
    organisation = current_organisation()
    form = SettingsForm()
    if not form.validate_on_submit():
        return _offers_page(organisation, form)
    try:
        run(
            services.save_settings,
            signed_in_user(),
            organisation.id,
            form.pay_at_pickup.data,
            form.legal_data(),
            success=_("The settings have been saved."),
        )
    except services.OfferError as error:
        db.session.rollback()
        field = getattr(form, error.field, None) or form.representative
        field.errors = [*field.errors, *error.messages]
        return _offers_page(organisation, form)
    return redirect(url_for("orders.offers", _anchor="settings-title"))


@bp.route("/offers/new", methods=["GET", "POST"])
@requires("member")
def create():
    return _save(current_organisation().id, None)


@bp.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@login_required
def edit(offer_id):
    offer = services.get_offer_for_member(signed_in_user(), offer_id)
    return _save(offer.organisation_id, offer)


def _form(organisation_id, offer):
    form = OfferForm(obj=offer if request.method == "GET" else None)
    locale = str(get_locale())
    products = services.product_choices(organisation_id)
    outlets = services.outlet_choices(organisation_id)
    # An offer's product archived or its outlet closed since: shown as it is (the save then says why),
    # never silently replaced by the browser's first choice.
    if offer and offer.product not in products:
        products = [offer.product, *products]
    if offer and offer.outlet not in outlets:
        outlets = [offer.outlet, *outlets]
    form.product_id.choices = [SelectChoice(p.id, p.name(locale)) for p in products]
    form.outlet_id.choices = [SelectChoice(o.id, o.name) for o in outlets]
    if request.method == "GET" and offer:
        form.fill_from(offer)
    elif request.method == "GET" and (outlet_id := hygiene.row_id(request.args.get("outlet"))):
        form.outlet_id.data = outlet_id  # "add an offer here" from the outlet's group on the list
    return form


def _save(organisation_id, offer):
    form = _form(organisation_id, offer)
    if form.validate_on_submit():
        try:
            saved = run(
                services.save_offer,
                signed_in_user(),
                organisation_id,
                offer,
                form.offer_data(),
                success=_("The offer has been saved."),
            )
        except services.OfferError as error:
            db.session.rollback()
            field = getattr(form, error.field, None) or form.product_id
            field.errors = [*field.errors, *error.messages]
        else:
            return redirect(url_for("orders.offers", _anchor=f"outlet-{saved.outlet_id}"))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "orders/edit.html", form=form, offer=offer, has_outlets=bool(form.outlet_id.choices)
    ), status


@bp.post("/offers/<int:offer_id>/active")
@login_required
def set_active(offer_id):
    offer = services.get_offer_for_member(signed_in_user(), offer_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data is None:
        abort_with(400, _("Unknown action."))
    active = bool(form.active.data)
    run(
        services.set_active,
        signed_in_user(),
        offer,
        active,
        success=_("The offer is active again.")
        if active
        else _("The offer is paused; buyers no longer see it."),
    )
    return redirect(url_for("orders.offers", _anchor=f"outlet-{offer.outlet_id}"))


@bp.route("/outlets/<int:outlet_id>/closed-dates", methods=["GET", "POST"])
@login_required
def closed_dates(outlet_id):
    outlet = services.get_outlet_for_member(signed_in_user(), outlet_id)
    form = ClosureForm()
    if form.validate_on_submit():
        if form.day.data is None:
            form.day.errors = [_("Please choose a date.")]
        else:
            try:
                run(
                    services.close_date,
                    signed_in_user(),
                    outlet,
                    form.day.data,
                    success=_("No pick-ups on that date."),
                )
            except services.OfferError as error:
                db.session.rollback()
                form.day.errors = list(error.messages)
            else:
                if waiting := services.orders_waiting(outlet.id, form.day.data):
                    # Closing takes no new orders; those placed are the producer's to cancel or hand over.
                    flash(
                        ngettext(
                            "Closing the date does not cancel the %(num)d order placed for it.",
                            "Closing the date does not cancel the %(num)d orders placed for it.",
                            waiting,
                        ),
                        "warning",
                    )
                    day = form.day.data.isoformat()
                    return redirect(url_for("orders.received_day", day=day, outlet=outlet.id))
                return redirect(url_for("orders.closed_dates", outlet_id=outlet.id))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "orders/closed_dates.html", outlet=outlet, form=form, closures=services.closures_of(outlet)
    ), status


@bp.post("/closed-dates/<int:pickup_closure_id>/reopen")
@login_required
def reopen(pickup_closure_id):
    closure = services.get_closure_for_member(signed_in_user(), pickup_closure_id)
    if not ActiveForm().validate_on_submit():
        abort_with(400, _("Unknown action."))
    outlet_id = closure.outlet_id
    reopened = _("Pick-ups are possible on that date again.")
    run(services.reopen_date, signed_in_user(), closure, success=reopened)
    return redirect(url_for("orders.closed_dates", outlet_id=outlet_id))
