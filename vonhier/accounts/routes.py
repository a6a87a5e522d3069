"""Registration, sign-in, sign-out, password and email pages."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import region
from ..extensions import db, limiter
from ..i18n import LANG_COOKIE
from ..permissions import Role, login_required, signed_in_user
from ..security import safe_next
from ..web import render_form
from . import forms, services

bp = Blueprint("accounts", __name__)


def _login_limit() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _reset_limit() -> str:
    return current_app.config["RATELIMIT_RESET"]


def _register_limit() -> str:
    # Each registration with a taken address mails that address's owner: not a way to flood them.
    return current_app.config["RATELIMIT_REGISTER"]


def _only_post() -> bool:
    return request.method != "POST"


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, exempt_when=_only_post)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = forms.RegisterForm()
    if request.method == "GET":
        form.locale.data = request.cookies.get(LANG_COOKIE) or request.accept_languages.best_match(
            current_app.config["LANGUAGES"], "de"
        )
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        # A new address and a taken one get the same answer; only the mail differs (no enumeration).
        # So nobody is signed in here: the confirmation mail tells a new user what to do next.
        services.register(form.email.data, form.password.data, form.name.data, form.locale.data)
        db.session.commit()
        flash(
            _(
                "Thank you! We have sent an email to %(email)s: please confirm your address with the link"
                " in it, then sign in.",
                email=form.email.data,
            ),
            "success",
        )
        return redirect(url_for("accounts.login", next=safe_next(form.next.data) or None))
    return render_form("accounts/register.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, exempt_when=_only_post)
def login():
    form = forms.LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or _start_page(current_user))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None and user.is_active:
            services.sign_in(user, remember=form.remember.data)
            db.session.commit()
            flash(_("You are signed in."), "success")
            return redirect(safe_next(form.next.data) or _start_page(user))
        db.session.commit()  # a rehash on a deactivated account is still worth keeping
        message = (
            _(
                "This account has been deactivated. Please contact the %(label)s office.",
                label=region.label_name(),
            )
            if user is not None
            else _("Email address or password is not correct.")
        )
        form.password.errors.append(message)
    return render_form("accounts/login.html", form)


def _start_page(user) -> str:
    """Where a sign-in without a `next` lands: certifiers on their review page, members of a business on
    its start page, everyone else on the home page (the pages are the workspace feature's)."""
    if user.has_role(Role.CERTIFIER) and user.memberships:
        return url_for("workspace.review_start")
    if user.memberships:
        return url_for("workspace.business")
    return url_for("core.home")


@bp.post("/logout")
@login_required
def logout():
    services.sign_out(signed_in_user())
    db.session.commit()
    flash(_("You are signed out."), "success")
    return redirect(url_for("core.home"))


@bp.get("/confirm/<token>")
def confirm(token):
    try:
        services.confirm_email(token)
    except services.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error), kind="link"), 400
    db.session.commit()
    flash(_("Thank you, your email address is confirmed."), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))


@bp.post("/confirm/resend")
@login_required
def resend_confirmation():
    if not current_user.is_confirmed:
        services.send_confirmation(current_user)
        db.session.commit()
        flash(_("We have sent the confirmation email again."), "info")
    return redirect(url_for("accounts.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_reset_limit, exempt_when=_only_post)
def forgot_password():
    form = forms.ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("We have sent an email to %(email)s: it tells you how to go on.", email=form.email.data), "info"
        )
        return redirect(url_for("accounts.login"))
    return render_form("accounts/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    try:
        user = services.user_for_reset(token)
    except services.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error), kind="reset"), 400
    form = forms.ResetPasswordForm(user)
    if form.validate_on_submit():
        services.reset_password(user, form.password.data)
        services.sign_in(user)
        db.session.commit()
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("core.home"))
    return render_form("accounts/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    user = signed_in_user()
    form = forms.ProfileForm(obj=user)
    if form.validate_on_submit():
        user.name = form.name.data.strip()
        user.locale = form.locale.data
        db.session.commit()
        flash(_("Your settings have been saved."), "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/account.html", form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    user = signed_in_user()
    form = forms.ChangePasswordForm(user)
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        services.sign_in(user)
        db.session.commit()
        flash(_("Your password has been changed. Other devices have been signed out."), "success")
        return redirect(url_for("accounts.account"))
    return render_form("accounts/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
def change_email():
    user = signed_in_user()
    form = forms.ChangeEmailForm(user)
    if form.validate_on_submit():
        services.request_email_change(user, form.email.data)
        db.session.commit()
        flash(
            _(
                "We have sent a confirmation link to %(email)s. Your address changes once you open it.",
                email=form.email.data,
            ),
            "info",
        )
        return redirect(url_for("accounts.account"))
    return render_form("accounts/change_email.html", form)


@bp.get("/account/email/confirm/<token>")
def confirm_email_change(token):
    try:
        services.confirm_email_change(token)
    except services.TokenError as error:
        return render_template("accounts/token_error.html", message=str(error), kind="link"), 400
    db.session.commit()
    flash(_("Your email address has been changed."), "success")
    return redirect(url_for("accounts.account" if current_user.is_authenticated else "accounts.login"))
