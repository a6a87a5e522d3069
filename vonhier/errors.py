"""Error pages in the visitor's language, and JSON errors for /api/ paths."""

from urllib.parse import urlsplit

from flask import Flask, flash, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from .database import Conflict
from .extensions import db
from .security import safe_next

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please check your input.")),
    401: (_l("Sign-in required"), _l("Please sign in to use this.")),
    403: (_l("Access denied"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist (any more). Check the address.")),
    405: (_l("Method not allowed"), _l("This address cannot be used like that.")),
    409: (_l("Conflict"), _l("This action does not fit the current state. Nothing was changed.")),
    413: (_l("Upload too large"), _l("The file or form you sent is too large.")),
    429: (
        _l("Too many attempts"),
        _l("Too many requests in a short time. Please wait a moment and try again."),
    ),
    500: (
        _l("Something went wrong"),
        _l("An unexpected error occurred and has been logged. Please try again later."),
    ),
}


class RuleError(Exception):
    """A rule of the platform said no. `messages` are sentences in the visitor's language (usually one),
    `field` the form field they belong to ("" for the whole request). Every service refuses with one
    of these (a subclass names the feature). A view that shows the refusal on its own page catches it;
    any other is answered here: 409 with the sentences, nothing of the request kept (JSON under /api)."""

    def __init__(self, message: str | list[str], field: str = ""):
        self.messages = [message] if isinstance(message, str) else list(message)
        self.field = field
        super().__init__("; ".join(self.messages))


def wants_json() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None):
    title, text = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    message = detail or str(text)
    if wants_json():
        return {"error": {"status": code, "title": str(title), "message": message}}, code
    return render_template(
        "errors/error.html", code=code, title=title, message=message, back=_back_link()
    ), code


def _back_link() -> str | None:
    """The page the visitor came from on this site, so that a refused step does not strand them."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400, str(_l("The form has expired or was not sent from this site. Please try again."))
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        # Werkzeug's texts are English; only details we set ourselves (already translated) are shown.
        detail = error.description if getattr(error, "vonhier_detail", False) else None
        response = render_error(code, detail)
        if code == 405 and error.valid_methods:
            return (*response, {"Allow": ", ".join(error.valid_methods)})
        return response

    @app.errorhandler(RuleError)
    def rule_error(error: RuleError):
        db.session.rollback()
        return render_error(409, str(error))

    @app.errorhandler(Conflict)
    def conflict(error: Conflict):
        """A race lost in the database: nothing of this request is kept."""
        db.session.rollback()
        if error.existing is not None and (location := error.existing()):
            flash(str(error), "info")
            return redirect(location, 303)
        return render_error(409, str(error))

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):
        """A pooled connection the database server closed (it restarted): the pool does not ping before
        each use (config.py), so one request per process meets it; the pool then drops all of its
        connections. Nothing of this request was kept: the visitor may simply send it again."""
        db.session.rollback()
        if not error.connection_invalidated:
            raise error
        response = render_error(
            503, str(_l("The database was unreachable for a moment. Please send the page again."))
        )
        return (*response, {"Retry-After": "1"})

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)


def abort_with(code: int, message: str):
    """Abort with a status and a message already in the visitor's language."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[code](description=message)
    error.vonhier_detail = True
    raise error
