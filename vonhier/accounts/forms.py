"""Forms for registration, sign-in and account settings."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from ..forms import Form
from . import services

LANGUAGE_CHOICES = [SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]


def email_field(label=None):
    return EmailField(
        label or _l("Email address"),
        validators=[
            DataRequired(),
            Length(max=254),
            Email(message=_l("Please enter a valid email address.")),
        ],
        filters=[lambda v: services.normalise_email(v) if v else v],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label=None):
    return PasswordField(
        label or _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("At least 10 characters, not containing your name or email address."),
        render_kw={"autocomplete": "new-password", "minlength": services.MIN_PASSWORD_LENGTH},
    )


class StrongPassword:
    """Checks the password field against the email and name of the form (or of `user`)."""

    def __init__(self, user_attr: str | None = None):
        self.user_attr = user_attr

    def __call__(self, form, field):
        user = getattr(form, self.user_attr) if self.user_attr else None
        email = user.email if user else form.email.data or ""
        name = user.name if user else form.name.data or ""
        if problems := services.password_problems(field.data or "", email, name):
            raise ValidationError(" ".join(problems))


def _is_current_password(form, field):
    if not services.verify_password(form.user, field.data or ""):
        raise ValidationError(_l("The current password is not correct."))


def current_password_field():
    return PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=200), _is_current_password],
        render_kw={"autocomplete": "current-password"},
    )


class RegisterForm(Form):
    name = StringField(
        _l("Your name"), validators=[DataRequired(), Length(max=120)], render_kw={"autocomplete": "name"}
    )
    email = email_field()
    password = new_password_field()
    confirm = PasswordField(
        _l("Repeat password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES, default="de")
    next = HiddenField()

    def validate_password(self, field):
        StrongPassword()(self, field)


class LoginForm(Form):
    email = email_field()
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField(_l("Stay signed in on this device (30 days)"))
    next = HiddenField()


class ForgotPasswordForm(Form):
    email = email_field()


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_password(self, field):
        StrongPassword("user")(self, field)


class ChangePasswordForm(ResetPasswordForm):
    current = current_password_field()


class ChangeEmailForm(Form):
    email = email_field(_l("New email address"))
    current = current_password_field()

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def validate_email(self, field):
        if field.data == self.user.email:
            raise ValidationError(_l("This is already your email address."))
        if services.find_by_email(field.data):
            raise ValidationError(_l("An account with this email address already exists."))


class ProfileForm(Form):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    locale = SelectField(_l("Preferred language"), choices=LANGUAGE_CHOICES)
