"""Language choice: `?lang=` in the address (public pages link their switch that way, without a
cookie), else a signed-in user's preference, else the `lang` cookie, else Accept-Language; numbers
that pages write in the reader's way (`file_size`)."""

from functools import lru_cache

from flask import Flask, current_app, has_request_context, request
from flask_babel import format_decimal, get_locale
from flask_login import current_user
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

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
    return anonymous_locale(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))


def anonymous_locale(cookie: str | None, accept_language: str | None) -> str:
    """The language of a visitor who is not signed in, from the `lang` cookie and Accept-Language."""
    if cookie in supported():
        return cookie
    return _best_match(accept_language, supported()) or current_app.config["BABEL_DEFAULT_LOCALE"]


@lru_cache(maxsize=256)  # browsers send a handful of distinct headers: each is parsed once per process
def _best_match(accept_language: str | None, languages: tuple[str, ...]) -> str | None:
    return parse_accept_header(accept_language, LanguageAccept).best_match(languages)


def file_size(size: int) -> str:
    """A file's size as a reader writes it, in the page's language: 407 B, 1,2 kB, 3,4 MB (never "0 kB")."""
    if size < 1024:
        return f"{format_decimal(size, '#,##0')} B"
    if size < 1024 * 1024:
        return f"{format_decimal(size / 1024, '#,##0.#')} kB"
    return f"{format_decimal(size / 1024 / 1024, '#,##0.#')} MB"


def register(app: Flask) -> None:
    app.add_template_filter(file_size)

    @app.context_processor
    def inject_locale():
        return {"current_locale": str(get_locale()), "languages": app.config["LANGUAGES"]}
