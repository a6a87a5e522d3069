"""Organisation pages: the public directory and profiles, and management for members."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from .. import media
from ..accounts.services import TokenError
from ..errors import abort_with
from ..extensions import db
from ..forms import Form, IntegerField
from ..geo.places import LocationError
from ..permissions import MemberRole, Role, login_required, signed_in_user
from ..security import safe_next
from ..web import listing, panels, render_form, run
from . import services, structured
from .forms import InviteForm, OrganisationForm
from .models import OrgKind
from .signals import profile_shown

bp = Blueprint("organisations", __name__, url_prefix="/organisations")

PAGE_SIZE = 24


class SwitchForm(Form):
    organisation = IntegerField(validators=[DataRequired()])


@bp.get("/")
def directory():
    query = request.args.get("q", "")[:100]
    kind = request.args.get("kind", "")
    if kind and kind not in set(OrgKind):
        kind = ""
    return render_template(
        "organisations/directory.html",
        organisations=listing(
            lambda limit, offset: services.search(query, kind or None, limit, offset), PAGE_SIZE
        ),
        query=query,
        kind=kind,
        kinds=list(OrgKind),
    )


@bp.get("/<int:organisation_id>")
def profile(organisation_id):
    organisation = services.get(organisation_id)
    return render_template(
        "organisations/profile.html",
        organisation=organisation,
        json_ld=structured.json_ld(organisation, str(get_locale())),
        is_member=current_user.is_authenticated
        and services.membership(signed_in_user(), organisation) is not None,
        panels=panels(profile_shown, organisation),
    )


def _save_logo(form, organisation=None) -> str | None | bool:
    """The new logo's file name, None when none was uploaded, False when the upload was refused."""
    upload = form.logo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    try:
        return media.store_image(upload)
    except media.ImageRejected as error:
        form.logo.errors = [str(error)]
        return False


def _pin_checked(form, save, *args):
    """`save(*args)`, or False with the reason on the latitude field when the pin is off the land we
    serve (a logo written already goes with the uncommitted request: `media.written`)."""
    try:
        return save(*args) or True
    except LocationError as error:
        form.latitude.errors = [*form.latitude.errors, *error.messages]
        return False


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    form = OrganisationForm(may_certify=signed_in_user().has_role(Role.ADMIN))
    if form.validate_on_submit():
        logo = _save_logo(form)
        if logo is not False and (
            organisation := _pin_checked(
                form, services.create, signed_in_user(), form.profile_data(), form.kinds.data
            )
        ):
            organisation.logo = logo
            services.switch(signed_in_user(), organisation.id)
            db.session.commit()
            flash(
                _("“%(name)s” has been created. You are its owner.", name=organisation.display_name),
                "success",
            )
            return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_form("organisations/edit.html", form, organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@login_required
def edit(organisation_id):
    organisation = services.get_for_member(signed_in_user(), organisation_id)
    may_certify = signed_in_user().has_role(Role.ADMIN) or organisation.has_kind(OrgKind.CERTIFICATION_BODY)
    form = OrganisationForm(obj=organisation, may_certify=may_certify)
    if request.method == "GET":
        form.kinds.data = [k.value for k in organisation.kinds]
        form.size_class.data = organisation.size_class.value
    if form.validate_on_submit():
        logo = _save_logo(form)
        if logo is not False and _pin_checked(
            form, services.update, signed_in_user(), organisation, form.profile_data(), form.kinds.data
        ):
            if logo:
                media.delete_image(organisation.logo)
                organisation.logo = logo
            db.session.commit()
            flash(_("The profile has been saved."), "success")
            return redirect(url_for("organisations.profile", organisation_id=organisation.id))
    return render_form("organisations/edit.html", form, organisation=organisation)


@bp.route("/<int:organisation_id>/members", methods=["GET", "POST"])
@login_required
def members(organisation_id):
    user = signed_in_user()
    organisation = services.get_for_member(user, organisation_id)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            services.invite(user, organisation, form.email.data)
        except services.MembershipError as error:
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The invitation has been sent to %(email)s.", email=form.email.data), "success")
            return redirect(url_for("organisations.members", organisation_id=organisation.id))
    return _members_page(user, organisation, form)


def _members_page(user, organisation, form, status=None):
    is_owner = services.membership(user, organisation).role == MemberRole.OWNER
    invitations = services.open_invitations(organisation) if is_owner else []
    page, form_status = render_form(
        "organisations/members.html",
        form,
        organisation=organisation,
        is_owner=is_owner,
        invitations=invitations,
    )
    return page, status or form_status


def _member_action(organisation_id, action, success_message):
    user = signed_in_user()
    organisation = services.get_for_member(user, organisation_id, owner_only=True)
    try:
        run(action, user, organisation, success=success_message)
    except services.MembershipError as error:
        flash(str(error), "error")
        return _members_page(user, organisation, InviteForm(formdata=None), status=409)
    return redirect(url_for("organisations.members", organisation_id=organisation.id))


@bp.post("/<int:organisation_id>/members/<int:membership_id>/remove")
@login_required
def remove_member(organisation_id, membership_id):
    return _member_action(
        organisation_id,
        lambda u, o: services.remove_member(u, o, membership_id),
        _("The member has been removed."),
    )


@bp.post("/<int:organisation_id>/members/<int:membership_id>/make-owner")
@login_required
def transfer_ownership(organisation_id, membership_id):
    return _member_action(
        organisation_id,
        lambda u, o: services.transfer_ownership(u, o, membership_id),
        _("The ownership has been transferred."),
    )


@bp.post("/<int:organisation_id>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke_invitation(organisation_id, invitation_id):
    return _member_action(
        organisation_id,
        lambda u, o: services.revoke_invitation(u, o, invitation_id),
        _("The invitation has been withdrawn."),
    )


@bp.route("/join/<token>", methods=["GET", "POST"])
@login_required
def accept_invitation(token):
    try:
        invitation = services.invitation_from_token(token)
    except TokenError as error:
        return render_template("accounts/token_error.html", message=str(error), kind="link"), 400
    form = FlaskForm()
    error = None
    if form.validate_on_submit():
        try:
            member = services.accept(signed_in_user(), invitation)
        except services.MembershipError as exc:
            error = str(exc)
        else:
            services.switch(signed_in_user(), member.organisation_id)
            db.session.commit()
            flash(
                _("You are now a member of %(name)s.", name=invitation.organisation.display_name), "success"
            )
            return redirect(url_for("organisations.profile", organisation_id=member.organisation_id))
    status = 400 if error else 200
    return render_template("organisations/accept.html", form=form, invitation=invitation, error=error), status


@bp.post("/switch")
@login_required
def switch():
    form = SwitchForm()
    if not form.validate_on_submit():
        abort_with(400, _("Please choose one of your organisations."))
    organisation = services.switch(signed_in_user(), form.organisation.data)
    flash(_("You are now working for %(name)s.", name=organisation.display_name), "info")
    return redirect(safe_next(request.form.get("next")) or url_for("core.home"))
