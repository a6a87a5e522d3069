"""The admin area: find users and organisations, (de)activate users, grant roles, read the log."""

from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from ..errors import abort_with
from ..extensions import db
from ..forms import Form
from ..organisations import services as organisations
from ..permissions import Role, requires, signed_in_user
from ..web import listing, run
from . import services

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAILS_PER_PAGE = 50


class RoleForm(Form):
    role = SelectField(choices=[SelectChoice(r.value) for r in Role])


@bp.get("/")
@requires(Role.ADMIN)
def index():
    query = request.args.get("q", "")[:100]
    return render_template(
        "admin/index.html",
        query=query,
        users=services.search_users(signed_in_user(), query),
        organisations=organisations.search(query, limit=50),
    )


@bp.get("/users/<int:user_id>")
@requires(Role.ADMIN)
def user(user_id):
    return _user_page(services.get_user(user_id))


def _user_page(user):
    return render_template("admin/user.html", user=user, form=RoleForm(), roles=list(Role))


def _apply(user_id, action, message):
    user = services.get_user(user_id)
    try:
        run(action, user, success=message)
    except services.AdminRuleError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _user_page(services.get_user(user_id)), 409
    return redirect(url_for("admin.user", user_id=user.id))


@bp.post("/users/<int:user_id>/active")
@requires(Role.ADMIN)
def set_active(user_id):
    active = request.form.get("active") == "1"
    return _apply(
        user_id,
        lambda u: services.set_active(signed_in_user(), u, active),
        _("The account has been activated.") if active else _("The account has been deactivated."),
    )


@bp.post("/users/<int:user_id>/roles")
@requires(Role.ADMIN)
def change_role(user_id):
    form = RoleForm()
    if not form.validate_on_submit():
        abort_with(400, _("Unknown role."))
    role = Role(form.role.data)
    if request.form.get("grant") == "1":
        return _apply(
            user_id, lambda u: services.grant_role(signed_in_user(), u, role), _("The role has been granted.")
        )
    return _apply(
        user_id, lambda u: services.revoke_role(signed_in_user(), u, role), _("The role has been revoked.")
    )


@bp.get("/log")
@requires(Role.ADMIN)
def log():
    return render_template("admin/log.html", actions=services.recent_actions(signed_in_user()))


@bp.get("/mails")
@requires(Role.ADMIN)
def mails():
    mails = listing(partial(services.recent_mails, signed_in_user()), MAILS_PER_PAGE)
    return render_template("admin/mails.html", mails=mails)
