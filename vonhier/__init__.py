"""The platform behind a regional product label; the region pack (`region.py`) says which one."""

from importlib import import_module
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import config as config_module


def create_app(config: dict | None = None) -> Flask:
    """Build the application; `config` overrides values read from the environment (tests use it)."""
    root = config_module.ROOT
    app = Flask(
        __name__,
        template_folder=str(root / "templates"),
        static_folder=str(root / "static"),
        instance_path=str(config_module.INSTANCE),
    )
    app.config.update(config_module.from_environment())
    app.config.update(config or {})
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    Path(app.config["UPLOAD_DIR"]).mkdir(parents=True, exist_ok=True)
    # Ids beyond 32 bits are no ids of ours: 404 at the URL, instead of an overflow in the database.
    app.url_map.converters["int"] = BoundedIntConverter
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)
    register_jobs(app)

    from . import errors, hygiene, media, security

    errors.register(app)
    security.register(app)
    hygiene.register(app)
    media.register(app)
    register_template_context(app)

    from .provenance.hotpath import StoredPages

    app.wsgi_app = StoredPages(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Without this, rate limits would count the proxy's address instead of each client's.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    return app


def register_template_context(app: Flask) -> None:
    from flask_babel import format_currency, format_date, format_datetime, format_decimal, get_locale
    from flask_login import current_user

    from . import display_names, region
    from .catalogue.names import change_text
    from .organisations import services as organisations

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        format_date=format_date,
        format_datetime=format_datetime,
        format_decimal=format_decimal,
        format_currency=format_currency,
        change_text=change_text,
    )
    # Each feature names its own codes for display; importing its `names` registers them.
    for feature in (
        "admin",
        "catalogue",
        "certification",
        "organisations",
        "outbox",
        "orders",
        "outlets",
        "payments",
        "suppliers",
    ):
        import_module(f"{__name__}.{feature}.names")
    display_names.register(app)

    @app.context_processor
    def current_organisation():
        return {"current_org": organisations.current(current_user)}

    # The configured region for every page (`region`: its states, map start, examples), and what
    # templates say of the label, read from the pack at each page: texts name them as
    # `_('… %(label)s …', label=label_name)`, `%(region)s` with `region_name`, `%(alliance)s`;
    # `look_version` goes into the addresses of region.css and the logo. Read once, no query.
    @app.context_processor
    def region_pack():
        pack = region.pack()
        return {
            "region": pack,
            "label_name": pack.label["name"],
            "label_claim": pack.claim(str(get_locale())),
            "alliance": pack.operator["alliance"],
            "region_name": pack.name(str(get_locale())),
            "look_version": pack.look_version,
        }


class BoundedIntConverter(IntegerConverter):
    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    from . import i18n
    from .accounts import services as account_services
    from .extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(config_module.ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    login_manager.init_app(app)
    account_services.configure_login(login_manager)
    i18n.register(app)


def register_blueprints(app: Flask) -> None:
    from .accounts.routes import bp as accounts
    from .admin.routes import bp as admin
    from .api.routes import bp as api
    from .api.routes import opendata
    from .catalogue.routes import bp as catalogue
    from .certification.routes import bp as certification
    from .core.routes import bp as core
    from .discover.routes import bp as discover
    from .media import bp as media
    from .orders.routes import bp as orders
    from .organisations.routes import bp as organisations
    from .outlets.routes import bp as outlets
    from .payments.routes import bp as payments
    from .provenance.routes import bp as provenance
    from .suppliers.routes import bp as suppliers
    from .workspace.routes import bp as workspace

    blueprints = (
        core,
        accounts,
        organisations,
        catalogue,
        outlets,
        certification,
        payments,
        provenance,
        discover,
        orders,
        suppliers,
        workspace,
        admin,
        media,
        api,
        opendata,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)


def register_commands(app: Flask) -> None:
    from .certification.commands import cli as certification
    from .demo.commands import demo
    from .geo.commands import region
    from .payments.commands import cli as payments
    from .provenance.commands import cli as qr
    from .search.commands import search  # importing the search services connects the index's listeners
    from .worker import command as work

    for group in (demo, region, certification, payments, qr, search, work):
        app.cli.add_command(group)


def register_jobs(app: Flask) -> None:
    """What each round of `flask work` does, in order."""
    from .outbox.worker import deliver_due
    from .provenance import pages, scans
    from .worker import add_job

    add_job(app, "mails sent", deliver_due)
    add_job(app, "scans moved", scans.move)
    add_job(app, "pages rendered again", pages.render_stale)
