"""Language choice: `?lang=` in the address (public pages link their switch that way, without a
cookie), else a signed-in user's preference, else the `lang` cookie, else Accept-Language."""

from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

LANG_COOKIE = "lang"


def supported() -> tuple[str, ...]:
    return current_app.config["LANGUAGES"]


def select_locale() -> str:
    if not has_request_context():  # CLI commands and background work speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if (arg := request.args.get(LANG_COOKIE)) in supported():
        return arg
    if current_user and current_user.is_authenticated and current_user.locale in supported():
        return current_user.locale
    if (cookie := request.cookies.get(LANG_COOKIE)) in supported():
        return cookie
    return request.accept_languages.best_match(supported()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def register(app: Flask) -> None:
    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
