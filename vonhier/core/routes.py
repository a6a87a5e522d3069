"""Home page, language switch, the health check, privacy and legal notice, the region's look."""

from flask import (
    Blueprint,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .. import config, region
from ..certification import criteria
from ..errors import abort_with
from ..extensions import db
from ..i18n import LANG_COOKIE
from ..organisations import services as organisations
from ..organisations.models import OrgKind
from ..provenance import services as provenance
from ..security import safe_next

bp = Blueprint("core", __name__)


@bp.get("/")
def home():
    producers = organisations.search(kind=OrgKind.PRODUCER, limit=12)
    return render_template(
        "core/home.html", producers=producers, examples=provenance.examples(), figures=criteria.headline()
    )


# GET too: the switch is a link, so that public pages need no form (and no session cookie for its
# CSRF token); the only effect is the visitor's own language preference.
@bp.route("/language", methods=["GET", "POST"])
def set_language():
    lang = request.values.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort_with(400, _("This language is not available."))
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = make_response(redirect(safe_next(request.values.get("next")) or url_for("core.home")))
    response.set_cookie(
        LANG_COOKIE,
        lang,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
    )
    return response


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Health check: database unreachable")
        return {"status": "error", "database": "error"}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/privacy")
def privacy():
    return render_template("core/privacy.html")


# The operator's details as config.py names them (OPERATOR_NAME, …), each stripped: a value of blanks
# is one not configured.
OPERATOR = (*config.OPERATOR, "vat_id")


@bp.get("/legal-notice")
def legal_notice():
    operator = {key: (current_app.config.get(f"OPERATOR_{key.upper()}") or "").strip() for key in OPERATOR}
    return render_template("core/legal_notice.html", operator=operator)


# The pack's colours and logo: a year in the browser's cache, since their address changes with them
# (`look_version`); app.css holds the same colours as defaults, so a page without region.css still works.
LOOK_CACHE = "public, max-age=31536000, immutable"


@bp.get("/region.css")
def region_css():
    pack = region.pack()
    colours = pack.label["colours"]  # `region.load` checked each is #rrggbb
    lines = "".join(f"  --{key.replace('_', '-')}: {colours[key]};\n" for key in region.COLOURS)
    response = Response(f":root {{\n{lines}}}\n", mimetype="text/css")
    return _cached(response, pack)


@bp.get("/region/logo")
def region_logo():
    pack = region.pack()
    path = pack.file(pack.label["logo"])  # `region.load` checked it is a file in the pack's folder
    response = Response(path.read_bytes(), mimetype=region.LOGO_TYPES[path.suffix.lower()])
    return _cached(response, pack)


def _cached(response: Response, pack: region.Pack) -> Response:
    response.headers["Cache-Control"] = LOOK_CACHE
    response.set_etag(pack.look_version)
    return response.make_conditional(request)
