"""Outlet pages: members list, create, edit and archive their organisation's outlets; anyone sees an
outlet's public page with its opening hours."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from .. import clock, media
from ..arguments import Refused
from ..catalogue import services as catalogue
from ..errors import abort_with
from ..extensions import db
from ..geo.places import AmbiguousPlace, location_warning, state_name
from ..organisations.services import current_organisation
from ..organisations.signals import profile_shown
from ..permissions import login_required, requires, signed_in_user
from ..web import panels
from . import finder as finding
from . import services, structured
from .forms import ArchiveForm, OutletForm
from .signals import page_shown

bp = Blueprint("outlets", __name__, url_prefix="/outlets")


@profile_shown.connect
def _outlets_panel(organisation, **_) -> str | None:
    """An organisation's profile lists its public outlets."""
    if outlets := services.outlets_of(organisation.id):
        return render_template("outlets/_organisation_outlets.html", outlets=outlets)
    return None


@bp.get("/")
def finder():
    """Where to buy near a place, today: public, the whole query in the address, usable without JS.

    A name that means several places answers 200 with the choices as links (the same search with a
    place that means one): the shopper asked something sensible and gets a question back, not an
    error. Every other refusal (a place we do not know or far outside the region) is a 400 with its
    sentence, as for any bad argument."""
    locale = str(get_locale())
    result, error, choices, hints, query = None, None, [], [], None
    try:
        query = finding.parse(request.args)
        result = finding.search_outlets(query, locale=locale)
    except AmbiguousPlace as ambiguous:
        choices = [
            (choice, url_for("outlets.finder", **query.args(where=choice.text, page=1)))
            for choice in ambiguous.choices
        ]
    except Refused as refused:
        error = refused.description
    if result is not None and result.total and result.query.page > result.pages:
        # A link to a page that no longer exists (fewer outlets now): the last page there is.
        return redirect(url_for("outlets.finder", **result.query.args(page=result.pages)))
    if result is not None and not result.total:
        hints = finding.why_nothing(result, lambda q: url_for("outlets.finder", **q.args()), locale)
    return render_template(
        "outlets/finder.html",
        result=result,
        error=error,
        choices=choices,
        hints=hints,
        categories=catalogue.categories(),
        criteria=finding.CRITERIA,
        radii=finding.RADII,
        now=clock.local_now(),
    ), (400 if error else 200)


@bp.get("/manage")
@requires("member")
def manage():
    organisation = current_organisation()
    return render_template(
        "outlets/manage.html",
        organisation=organisation,
        outlets=services.outlets_of(organisation.id, include_archived=True),
        archive_form=ArchiveForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@requires("member")
def create():
    return _save(current_organisation().id, None)


@bp.route("/<int:outlet_id>/edit", methods=["GET", "POST"])
@login_required
def edit(outlet_id):
    outlet = services.get_for_member(signed_in_user(), outlet_id)
    return _save(outlet.organisation_id, outlet)


def _form(organisation_id, outlet):
    form = OutletForm(obj=outlet if request.method == "GET" else None)
    form.name_holidays(outlet.state if outlet else "")
    locale = str(get_locale())
    form.product_ids.choices = [
        SelectChoice(p.id, p.name_en if locale == "en" and p.name_en else p.name_de)
        for p in services.product_choices(organisation_id)
    ]
    form.category_ids.choices = [SelectChoice(c.id, c.name(locale)) for c in catalogue.categories()]
    if request.method == "GET" and outlet:
        form.kind.data = outlet.kind.value
        form.product_ids.data = [p.id for p in outlet.products]
        form.category_ids.data = [c.id for c in outlet.categories]
    if request.method == "GET":
        form.show_hours(outlet.opening_hours if outlet else "")
    return form


def _save(organisation_id, outlet):
    form = _form(organisation_id, outlet)
    if form.validate_on_submit():
        user = signed_in_user()
        try:
            saved = media.save_with_image(
                form,
                lambda: services.save_outlet(user, organisation_id, outlet, form.outlet_data()),
                lambda record, image: services.add_image(user, record, image),
            )
        except services.OutletError as error:
            field = getattr(form, error.field, None) or form.name
            field.errors = [*field.errors, *error.messages]
        else:
            if saved:
                flash(_("The outlet “%(name)s” has been saved.", name=saved.name), "success")
                if warning := location_warning(saved):
                    flash(warning, "warning")
                return redirect(url_for("outlets.manage"))
    status = 400 if request.method == "POST" else 200
    week = services.opening_week(outlet, locale=str(get_locale())) if outlet else []
    return render_template("outlets/edit.html", form=form, outlet=outlet, week=week), status


@bp.post("/<int:outlet_id>/archive")
@login_required
def archive(outlet_id):
    outlet = services.get_for_member(signed_in_user(), outlet_id)
    form = ArchiveForm()
    if not form.validate_on_submit() or form.archived.data is None:
        abort_with(400, _("Unknown action."))
    services.set_archived(signed_in_user(), outlet, bool(form.archived.data))
    db.session.commit()
    flash(
        _("The outlet has been archived; it is no longer shown to the public.")
        if form.archived.data
        else _("The outlet is shown to the public again."),
        "success",
    )
    return redirect(url_for("outlets.manage"))


@bp.post("/<int:outlet_id>/images/<int:image_id>/delete")
@login_required
def delete_image(outlet_id, image_id):
    outlet = services.get_for_member(signed_in_user(), outlet_id)
    services.remove_image(signed_in_user(), outlet, image_id)
    db.session.commit()
    flash(_("The photo has been removed."), "success")
    return redirect(url_for("outlets.edit", outlet_id=outlet.id))


@bp.get("/<int:outlet_id>")
def page(outlet_id):
    """The public page: no sign-in, nothing personal."""
    outlet = services.get_public(outlet_id)
    locale = str(get_locale())
    now = clock.local_now()
    return render_template(
        "outlets/page.html",
        outlet=outlet,
        status=services.opening_status(outlet, now, locale),
        week=services.opening_week(outlet, now, locale),
        panels=panels(page_shown, outlet),
        json_ld=structured.json_ld(outlet, locale, now.date()),
        state_name=state_name(outlet.state, locale) if outlet.state else "–",
        now=now,
        locale=locale,
    )
