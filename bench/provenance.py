"""Benchmark of the public provenance page (the page a shopper sees after scanning a QR code).

Builds a scratch database with certified products, starts gunicorn (sync workers) first on a bare
Flask application (`bench/bare.py`: one route, no extensions), then on the real application plus a
hello-world route (`bench/app.py`), and measures them with wrk in the same run: requests per second
and p50/p99 latency of (0) the bare hello-world, (a) the app's hello-world and (b, c) provenance pages
of random products (GS1 Digital Link, short-code and batch addresses), each also as a multiple of (0)
and (a), and the resident memory of each worker after the run.

    .venv/bin/python bench/provenance.py                          # SQLite, 10,000 products, 15 s each
    .venv/bin/python bench/provenance.py --database postgresql    # scratch database on 127.0.0.1:5432
    .venv/bin/python bench/provenance.py --products 500 --duration 3   # a quick look

Exit status: 0 when the measurement ran (whether or not the target was met), 1 when a check or a
request failed, 2 when wrk is missing, 130 on Ctrl-C. See bench/README.md.
"""

import argparse
import json
import logging
import os
import random
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WRK = "/usr/bin/wrk"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432"
# Stored pages against the bare Flask hello-world of the same run (issue 14): PostgreSQL, SQLite.
TARGET_RATIO = {"postgresql": 0.6, "sqlite": 0.7}
TARGET_P99_MS = 25.0
# Share of each kind of address among the measured requests: out of 20, by product number.
GS1_SHARE, CODE_SHARE = 14, 3  # the remaining 3 of 20 are batch (lot) addresses
BATCHES_PER_PRODUCT = 2

# One script for both measurements: `-- hello` requests the baseline route, otherwise a random
# path from the file. done() prints one line the benchmark reads (times in microseconds).
LUA = r"""
local paths = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
end

function init(args)
  if args[1] == "hello" then
    paths = {"/bench/hello"}
  else
    for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
  end
  math.randomseed(os.time() * 100 + thread_number)
end

-- As phone browsers do: they all accept gzip (the same header for the hello-world route).
local headers = {["Accept-Encoding"] = "gzip, deflate, br"}

function request()
  return wrk.format("GET", paths[math.random(#paths)], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH {\"duration\": %%.0f, \"requests\": %%.0f, \"bytes\": %%.0f, " ..
    "\"connect\": %%.0f, \"read\": %%.0f, \"write\": %%.0f, \"status\": %%.0f, \"timeout\": %%.0f, " ..
    "\"p50\": %%.0f, \"p99\": %%.0f, \"mean\": %%.1f, \"max\": %%.0f}\n",
    summary.duration, summary.requests, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default=POSTGRES_URL,
        help="server for --database postgresql (without database name); a scratch database "
        "vonhier_bench_<pid> is created there and dropped afterwards",
    )
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=500)
    parser.add_argument("--duration", type=int, default=15, help="seconds of each measurement")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before measuring")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    args = parser.parse_args(argv)
    if args.products < 1 or args.organisations < 1 or args.duration < 1 or args.warmup < 0:
        parser.error("--products, --organisations and --duration must be at least 1, --warmup at least 0")
    args.organisations = min(args.organisations, args.products)
    return args


# --- the database -----------------------------------------------------------------------------------


class Scratch:
    """A database that exists only for this run: a SQLite file in the temp dir or a PostgreSQL database."""

    def __init__(self, kind: str, tmp: Path, server_url: str):
        self.kind, self.server_url = kind, server_url.rstrip("/")
        if kind == "sqlite":
            self.url = f"sqlite:///{tmp / 'bench.sqlite'}"
            self.name = None
        else:
            self.name = f"vonhier_bench_{os.getpid()}"
            self.url = f"{self.server_url}/{self.name}"

    def _admin(self):
        from sqlalchemy import create_engine

        return create_engine(f"{self.server_url}/postgres", isolation_level="AUTOCOMMIT")

    def create(self) -> None:
        if self.kind != "postgresql":
            return
        from sqlalchemy import text

        engine = self._admin()
        try:
            with engine.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.name}"'))
        finally:
            engine.dispose()

    def drop(self) -> None:
        if self.kind != "postgresql":
            return  # the SQLite file goes with the temp dir
        from sqlalchemy import text

        engine = self._admin()
        try:
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        finally:
            engine.dispose()


def build(app, products: int, organisations: int) -> dict:
    """Migrate, load the demo network, then bulk-insert certified copies of its certified products.

    The demo network is built through the services (sites, products, versions, licences, the
    certifier's decisions), so its certified products are real ones; the copies change ids, names,
    GTINs and codes and are written with SQLAlchemy Core. Returns the addresses to request.
    """
    from flask_migrate import upgrade
    from sqlalchemy import func, insert, select, text

    from vonhier.catalogue.models import (
        Batch,
        Ingredient,
        Product,
        ProductImage,
        ProductStatus,
        ProductVersion,
        Site,
        SupplyStage,
    )
    from vonhier.certification import rules
    from vonhier.certification.criteria import criteria_of
    from vonhier.certification.models import (
        Application,
        ApplicationItem,
        ApplicationStatus,
        Certificate,
        CertificateProduct,
        CertificateStatus,
    )
    from vonhier.clock import utcnow
    from vonhier.demo.commands import load as load_demo
    from vonhier.extensions import db
    from vonhier.organisations.models import Organisation, OrganisationKind
    from vonhier.payments import services as payments
    from vonhier.payments.models import Licence, LicenceStatus, LicenceTier
    from vonhier.provenance import gs1, revisions
    from vonhier.provenance import services as provenance
    from vonhier.provenance.models import ProductCode

    logging.disable(logging.INFO)  # Alembic's progress lines
    try:
        upgrade()
    finally:
        logging.disable(logging.NOTSET)
    app.config["MAIL_SUPPRESS"] = True
    load_demo()
    db.session.commit()
    app.config["MAIL_SUPPRESS"] = False

    now, today = utcnow(), utcnow().date()
    session = db.session

    def rows(table, *where):
        found = session.execute(select(table).where(*where)).mappings().all()
        return [
            {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")} for row in found
        ]

    def one_row(table, row_id, cache={}):  # noqa: B006 (a cache for this one build)
        if (table.name, row_id) not in cache:
            cache[(table.name, row_id)] = rows(table, table.c.id == row_id)[0]
        return dict(cache[(table.name, row_id)])

    def insert_returning(model, values):
        if not values:
            return []
        statement = insert(model.__table__).returning(model.__table__.c.id, sort_by_parameter_order=True)
        return list(session.execute(statement, values).scalars())

    def insert_all(model, values):
        if values:
            session.execute(insert(model.__table__), values)

    # Templates: demo products on an active certificate of a licensed organisation, meeting every criterion.
    templates: dict[int, list] = {}  # organisation id -> [(product, version, certificate)]
    links = session.execute(
        select(CertificateProduct, Certificate)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(Certificate.status == CertificateStatus.ACTIVE, Certificate.valid_until >= today)
        .order_by(CertificateProduct.id)
    ).all()
    for link, certificate in links:
        product = session.get(Product, link.product_id)
        version = product.current_version
        if product.status != ProductStatus.ACTIVE or not payments.is_current(product.organisation_id):
            continue
        results = rules.evaluate(version.data, criteria_of(certificate.catalogue))
        if any(r.outcome == rules.Outcome.FAILED for r in results):
            continue
        templates.setdefault(product.organisation_id, []).append((product, version, certificate))
    if not templates:
        raise SystemExit("The demo network has no certified product to copy.")
    template_orgs = sorted(templates)
    tier_id = session.scalar(select(LicenceTier.id).where(LicenceTier.size_class == "micro"))
    first_number = 1 + int(
        (session.scalar(select(func.max(Certificate.number))) or "VH-0-0").rsplit("-", 1)[1]
    )
    terms = app.config["LICENCE_TERMS_VERSION"]

    # Organisations, their kinds and sites: copies of the template organisations.
    plan = []  # the template organisation of each new one
    org_rows = []
    for number in range(organisations):
        template_id = template_orgs[number % len(template_orgs)]
        row = one_row(Organisation.__table__, template_id)
        row["display_name"] = f"{row['display_name'][:105]} (Nr. {number + 1})"
        row["legal_name"] = f"{row['legal_name'][:180]} (Nr. {number + 1})"
        org_rows.append(row)
        plan.append(template_id)
    org_ids = insert_returning(Organisation, org_rows)
    org_names = {org_id: row["display_name"] for org_id, row in zip(org_ids, org_rows, strict=True)}
    kind_rows = []
    for org_id, template_id in zip(org_ids, plan, strict=True):
        for row in rows(OrganisationKind.__table__, OrganisationKind.organisation_id == template_id):
            kind_rows.append({**row, "organisation_id": org_id})
    insert_all(OrganisationKind, kind_rows)

    template_sites = {t: rows(Site.__table__, Site.organisation_id == t) for t in template_orgs}
    template_site_ids = {
        t: list(session.scalars(select(Site.id).where(Site.organisation_id == t).order_by(Site.id)))
        for t in template_orgs
    }
    site_rows, site_keys = [], []
    for org_id, template_id in zip(org_ids, plan, strict=True):
        for old_id, row in zip(template_site_ids[template_id], template_sites[template_id], strict=True):
            site_rows.append({**row, "organisation_id": org_id})
            site_keys.append((org_id, old_id))
    site_map = dict(zip(site_keys, insert_returning(Site, site_rows), strict=True))  # (org, old) -> new

    # Products with their ingredients, stages, first version, photo, code and batches.
    product_rows, product_plan = [], []  # plan: (org id, template product, version, certificate)
    for k in range(products):
        org_index = k * organisations // products
        org_id = org_ids[org_index]
        candidates = templates[plan[org_index]]
        within = k - (org_index * products + organisations - 1) // organisations
        product, version, certificate = candidates[within % len(candidates)]
        cycle = within // len(candidates)
        row = one_row(Product.__table__, product.id)
        for field, word in (("name_de", "Sorte"), ("name_en", "variety")):
            suffix = f" – {word} {cycle + 1}" if cycle and row[field] else ""
            row[field] = row[field][: 120 - len(suffix)] + suffix
        row["reference"] = f"{row['reference'][:30]}-{k}"
        data_digits = f"42609{k:07d}"
        row["gtin"] = f"0{data_digits}{gs1.check_digit(data_digits)}"
        row["organisation_id"] = org_id
        product_rows.append(row)
        product_plan.append((org_id, product, version, certificate))
    product_ids = insert_returning(Product, product_rows)

    def copy_data(data, org_id, product_id, row):
        def walk(value):
            if isinstance(value, dict):
                value = {key: walk(item) for key, item in value.items()}
                new_site = site_map.get((org_id, value.get("site_id")))
                if new_site is not None:
                    value.update(site_id=new_site, organisation_id=org_id, organisation=org_names[org_id])
                return value
            if isinstance(value, list):
                return [walk(item) for item in value]
            return value

        copied = walk(data)
        copied["product"].update(
            id=product_id,
            reference=row["reference"],
            name_de=row["name_de"],
            name_en=row["name_en"],
            gtin=row["gtin"],
        )
        copied["organisation"] = {"id": org_id, "name": org_names[org_id]}
        return copied

    template_ingredients = {}
    template_stages = {}
    version_rows, ingredient_rows, stage_rows, image_rows, code_rows, batch_rows = [], [], [], [], [], []
    codes: set[str] = set(session.scalars(select(ProductCode.code)))
    paths = []
    for k, (product_id, row, (org_id, product, version, _)) in enumerate(
        zip(product_ids, product_rows, product_plan, strict=True)
    ):
        if product.id not in template_ingredients:
            template_ingredients[product.id] = rows(Ingredient.__table__, Ingredient.product_id == product.id)
            template_stages[product.id] = rows(SupplyStage.__table__, SupplyStage.product_id == product.id)
        for ingredient in template_ingredients[product.id]:
            site = site_map.get((org_id, ingredient["origin_site_id"]), ingredient["origin_site_id"])
            ingredient_rows.append({**ingredient, "product_id": product_id, "origin_site_id": site})
        for stage in template_stages[product.id]:
            site = site_map.get((org_id, stage["site_id"]), stage["site_id"])  # or another organisation's
            stage_rows.append({**stage, "product_id": product_id, "site_id": site})
        version_rows.append(
            {
                "product_id": product_id,
                "number": 1,
                "created_at": now,
                "changes": ["created"],
                "data": copy_data(version.data, org_id, product_id, row),
            }
        )
        image_rows.append(
            {"product_id": product_id, "filename": f"{secrets.token_urlsafe(16)}.webp", "position": 0}
        )
        code = provenance.new_code()
        while code in codes:
            code = provenance.new_code()
        codes.add(code)
        code_rows.append({"code": code, "product_id": product_id, "created_at": now})
        lots = []
        for j in range(BATCHES_PER_PRODUCT):
            lot = f"L-{today:%y}{k % 1000:03d}/{j + 1:02d}"
            produced = today - timedelta(days=3 * j + k % 7)
            lots.append(lot)
            batch_rows.append(
                {
                    "product_id": product_id,
                    "lot": lot,
                    "produced_on": produced,
                    "best_before": produced + timedelta(days=30),
                    "origin_site_id": None,
                    "origin_note": "Diese Woche mit Milch vom Nachbarhof." if k % 10 == 0 and j == 0 else "",
                }
            )
        kind = k % 20
        if kind < GS1_SHARE:
            paths.append(provenance.public_path(row["gtin"], code))
        elif kind < GS1_SHARE + CODE_SHARE:
            paths.append(provenance.public_path(None, code))
        else:
            paths.append(provenance.public_path(row["gtin"], code, lots[k % len(lots)]))
    insert_all(Ingredient, ingredient_rows)
    insert_all(SupplyStage, stage_rows)
    version_ids = insert_returning(ProductVersion, version_rows)
    insert_all(ProductImage, image_rows)
    insert_all(ProductCode, code_rows)
    insert_all(Batch, batch_rows)

    # This year's licence, one approved application and its certificate per organisation.
    insert_all(
        Licence,
        [
            {
                "organisation_id": org_id,
                "year": today.year,
                "tier_id": tier_id,
                "status": LicenceStatus.ACTIVE,
                "terms_version": terms,
                "terms_accepted_at": now,
                "activated_at": now,
            }
            for org_id in org_ids
        ],
    )
    by_org: dict[int, list] = {}
    for product_id, version_id, (org_id, _, _, certificate) in zip(
        product_ids, version_ids, product_plan, strict=True
    ):
        by_org.setdefault(org_id, []).append((product_id, version_id, certificate))
    application_rows, certificate_rows = [], []
    for number, org_id in enumerate(org_ids):
        template_certificate = by_org[org_id][0][2]
        template_application = session.get(Application, template_certificate.application_id)
        valid_from = today - timedelta(days=number % 300)
        application_rows.append(
            {
                "organisation_id": org_id,
                "catalogue_id": template_certificate.catalogue_id,
                "status": ApplicationStatus.APPROVED,
                "created_by_id": None,
                "certifier_id": template_application.certifier_id,
                "certification_body_id": template_certificate.certification_body_id,
                "renews_certificate_id": None,
                "submitted_at": now - timedelta(days=number % 300 + 14),
                "decided_at": now - timedelta(days=number % 300),
            }
        )
        certificate_rows.append(
            {
                "number": f"VH-{valid_from.year}-{first_number + number:06d}",
                "organisation_id": org_id,
                "certification_body_id": template_certificate.certification_body_id,
                "catalogue_id": template_certificate.catalogue_id,
                "valid_from": valid_from,
                "valid_until": valid_from + timedelta(days=365),
                "status": CertificateStatus.ACTIVE,
                "status_reason": "",
                "remedy_until": None,
            }
        )
    application_ids = insert_returning(Application, application_rows)
    for row, application_id in zip(certificate_rows, application_ids, strict=True):
        row["application_id"] = application_id
    certificate_ids = insert_returning(Certificate, certificate_rows)
    item_rows, link_rows = [], []
    for org_id, application_id, certificate_id in zip(org_ids, application_ids, certificate_ids, strict=True):
        for product_id, version_id, _ in by_org[org_id]:
            item_rows.append(
                {"application_id": application_id, "product_id": product_id, "product_version_id": version_id}
            )
            link_rows.append(
                {"certificate_id": certificate_id, "product_id": product_id, "product_version_id": version_id}
            )
    insert_all(ApplicationItem, item_rows)
    insert_all(CertificateProduct, link_rows)
    # Rows written past the session: their page states are made here, as the flush listener would.
    revisions.raise_revisions(session.connection())
    session.commit()
    db.session.commit()
    db.session.execute(text("ANALYZE"))  # fresh statistics, as a live database would have
    db.session.commit()
    return {"paths": paths, "templates": sum(len(v) for v in templates.values())}


def check_pages(app, paths: list[str]) -> dict:
    """Request a sample of pages in-process: each must be a complete certified page. Counts queries."""
    from markupsafe import escape
    from sqlalchemy import select

    from tests.statements import statements
    from vonhier.catalogue.models import Product
    from vonhier.extensions import db
    from vonhier.provenance import scans
    from vonhier.provenance.models import ProductCode

    client = app.test_client()
    by_kind = {"gs1": [], "code": [], "lot": []}
    for path in paths:
        kind = "lot" if "/10/" in path else "code" if path.startswith("/p/") else "gs1"
        by_kind[kind].append(path)
    sample = [p for group in by_kind.values() for p in group[:3]] + random.sample(paths, min(30, len(paths)))
    with app.app_context():
        chains = 0
        for path in sample:
            response = client.get(path)
            html = response.get_data(as_text=True)
            if path.startswith("/p/"):
                code = path.split("/")[2]
                statement = select(Product.name_de).join(ProductCode).where(ProductCode.code == code)
            else:
                statement = select(Product.name_de).where(Product.gtin == path.split("/")[2])
            name = db.session.scalar(statement)
            problems = [
                text
                for text, bad in (
                    (f"status {response.status_code}", response.status_code != 200),
                    ("product name missing", name is None or str(escape(name)) not in html),
                    ("no certificate number VH-", "VH-" not in html),
                    ("says not certified", "nicht zertifiziert" in html),
                    ("no criteria list", 'class="criteria"' not in html),
                    ("criteria not met", 'class="cross"' in html),
                    ("no batch panel", "/10/" in path and 'class="panel batch"' not in html),
                )
                if bad
            ]
            if problems:
                raise CheckFailed(f"{path}: {', '.join(problems)}")
            chains += 'class="chain"' in html
            db.session.remove()

        scans.flush(app)  # no buffer timer may fire during the counted requests
        counts = {}
        for kind in ("gs1", "lot"):
            path = by_kind[kind][-1] if by_kind[kind] else by_kind["gs1"][-1]
            with statements(db.engine) as seen:
                client.get(path)
            counts[kind] = len(seen)
        scans.flush(app)  # what the checks counted, now rather than from a timer thread
        db.session.remove()
    return {"sample": len(sample), "chains": chains, "queries": counts}


class CheckFailed(Exception):
    pass


# --- the server and the load -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(tmp: Path, database_url: str, workers: int, entry: str = "bench.app:app"):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "SCAN_FLUSH_SECONDS"}  # the default, buffered
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(32),
        BASE_URL=f"http://127.0.0.1:{port}",
        RATELIMIT_STORAGE_URI="memory://",
        UPLOAD_DIR=str(tmp / "uploads"),
    )
    log = tmp / f"gunicorn-{entry.split(':')[0]}.log"
    command = [
        str(GUNICORN),
        "--workers", str(workers),
        "--worker-class", "sync",
        "--bind", f"127.0.0.1:{port}",
        "--chdir", str(ROOT),
        "--error-logfile", str(log),
        "--no-control-socket",
        entry,
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 (fixed command)
    return process, f"http://127.0.0.1:{port}", log


def wait_until_up(process, base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CheckFailed(f"gunicorn exited with status {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(base + "/bench/hello", timeout=2) as response:  # noqa: S310 (local)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise CheckFailed(f"gunicorn did not answer within 60 s:\n{_tail(log)}")


def worker_memory(process) -> list[float]:
    """Resident memory (MiB) of each worker of a gunicorn master, read from /proc (Linux)."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue  # a process that ended while we looked
        if fields.get("PPid", "").strip() == str(process.pid):
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sorted(sizes)


def stop_gunicorn(process) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
    try:
        process.wait(timeout=35)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)  # the group this script started for it, nothing else
        process.wait(timeout=10)


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_wrk(script: Path, base: str, args, seconds: int, hello: bool) -> dict:
    command = [
        WRK,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{seconds}s",
        "--timeout", "10s",
        "--latency",
        "-s", str(script),
        base + ("/bench/hello" if hello else "/"),
    ]  # fmt: skip
    if hello:
        command += ["--", "hello"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)  # noqa: S603
    line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise CheckFailed(f"wrk failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    figures = json.loads(line[6:])
    figures["rps"] = figures["requests"] / (figures["duration"] / 1e6)
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return figures


def scans_recorded(app) -> int:
    from sqlalchemy import func, select

    from vonhier.extensions import db
    from vonhier.provenance.models import ScanDay

    with app.app_context():
        total = db.session.scalar(select(func.coalesce(func.sum(ScanDay.count), 0)))
        db.session.remove()
        return int(total)


def _empty_scan_buffer(app) -> None:
    """Write (or, if the database is gone, drop) what the in-process checks counted, so that the
    buffer's exit handler has nothing left to write into a database this script removes."""
    from vonhier.provenance import scans

    try:
        scans.flush(app)
    except Exception as error:  # noqa: BLE001 (cleanup: report and go on)
        print(f"Scan counts of the checks not written: {error}", file=sys.stderr)


# --- the report ---------------------------------------------------------------------------------------


def render_all(base: str, paths: list[str], threads: int = 8) -> None:
    """Ask for every page once (the stored rendering is made on the first scan of each)."""

    def fetch(path):
        with urllib.request.urlopen(base + path, timeout=30) as response:  # noqa: S310 (our own server)
            response.read()

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(fetch, paths))


def stale_pages(database_url: str, release: str) -> int:
    from sqlalchemy import create_engine, func, or_, select

    from vonhier.provenance.models import PageState, RenderedPage

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(
                select(func.count())
                .select_from(RenderedPage)
                .join(PageState, PageState.product_id == RenderedPage.product_id)
                .where(or_(RenderedPage.release != release, RenderedPage.revision != PageState.revision))
            )
    finally:
        engine.dispose()


def mass_rerender(tmp: Path, database_url: str, script: Path, args):
    """(d) A deploy: gunicorn restarted with a new RELEASE, so every stored page is stale at once, while
    `flask qr render` renders them again beside it; wrk scans meanwhile. Returns gunicorn and the figures
    (wrk's, plus how long the re-rendering took and how many pages were still stale when wrk stopped)."""
    release = f"bench-rerender-{os.getpid()}"
    os.environ["RELEASE"] = release  # for gunicorn and the render command, which copy the environment
    try:
        process, base, log = start_gunicorn(tmp, database_url, args.workers)
        try:
            wait_until_up(process, base, log)
            return process, _scans_while_rendering(tmp, database_url, script, args, release, base)
        except BaseException:
            stop_gunicorn(process)  # main() stops only the gunicorn it was given
            raise
    finally:
        del os.environ["RELEASE"]


def _scans_while_rendering(tmp: Path, database_url: str, script: Path, args, release: str, base: str) -> dict:
    stale_before = stale_pages(database_url, release)
    env = {**os.environ, "DATABASE_URL": database_url, "UPLOAD_DIR": str(tmp / "uploads")}
    env.update(SECRET_KEY=secrets.token_urlsafe(32), BASE_URL=base, RATELIMIT_STORAGE_URI="memory://")
    started = time.monotonic()
    command = [str(GUNICORN.parent / "flask"), "--app", "wsgi", "qr", "render"]
    render = subprocess.Popen(  # noqa: S603 (fixed command)
        command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    # Scans for as long as the rendering goes on, in windows of --duration (at least one).
    windows = [run_wrk(script, base, args, args.duration, hello=False)]
    while render.poll() is None:
        windows.append(run_wrk(script, base, args, args.duration, hello=False))
    output, _ = render.communicate(timeout=3600)
    render_seconds = time.monotonic() - started
    seconds = sum(w["duration"] for w in windows) / 1e6
    figures = {
        "rps": sum(w["requests"] for w in windows) / seconds,
        "p50": max(w["p50"] for w in windows),
        "p99": max(w["p99"] for w in windows),
        "errors": sum(w["errors"] for w in windows),
        "seconds": seconds,
        "render_seconds": render_seconds,
        "stale_before": stale_before,
        "stale_at_end": stale_pages(database_url, release),
    }
    if render.returncode != 0:
        raise CheckFailed(f"flask qr render failed:\n{output.decode(errors='replace')[-2000:]}")
    return figures


def report_rerender(figures: dict, runs: dict) -> None:
    print(
        f"(d) scans during a mass re-render ({figures['stale_before']:,} stored pages stale after a new "
        f"RELEASE, `flask qr render` beside gunicorn): {figures['rps']:.1f} req/s "
        f"({figures['rps'] / runs['bare']['rps']:.2f} × bare, "
        f"{figures['rps'] / runs['hello']['rps']:.2f} × a) over {figures['seconds']:.0f} s, worst window's "
        f"p50 {figures['p50'] / 1000:.1f} ms and p99 {figures['p99'] / 1000:.1f} ms, {figures['errors']} "
        f"errors; all rendered again after {figures['render_seconds']:.0f} s (still stale after: "
        f"{figures['stale_at_end']:,})"
    )


def report(args, built, checked, runs: dict, memory: dict, scans: int) -> bool:
    """The table, each figure against the bare Flask hello-world (the floor) and the app's own."""
    bare, hello, pages = runs["bare"], runs["hello"], runs["pages"]
    target = TARGET_RATIO[args.database]
    ratio = pages["rps"] / bare["rps"]
    p99 = pages["p99"] / 1000
    met = ratio >= target and p99 < TARGET_P99_MS
    print()
    print(
        f"Provenance benchmark: {args.database}, {args.products:,} certified products of "
        f"{args.organisations:,} organisations (copies of {built['templates']} demo products); "
        f"gunicorn {args.workers} sync workers; wrk {args.threads} threads, {args.connections} connections, "
        f"{args.duration} s each after {args.warmup} s warm-up; {os.cpu_count()} CPU cores; "
        f"database built in {built['seconds']:.0f} s"
    )
    print()
    print(
        f"| {'route':<32} | {'req/s':>8} | {'× bare':>6} | {'× app':>6} | {'p50 ms':>7} | {'p99 ms':>7} "
        f"| {'requests':>9} | {'errors':>6} |"
    )
    print(f"|{'-' * 34}|{'-' * 10}|{'-' * 8}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 11}|{'-' * 8}|")
    labels = {
        "bare": "(0) bare Flask hello world",
        "hello": "(a) the app's hello world",
        "cold": "(b) pages, first renderings",
        "pages": "(c) pages, rendered before",
    }
    for key, label in labels.items():
        figures = runs[key]
        print(
            f"| {label:<32} | {figures['rps']:>8.1f} | {figures['rps'] / bare['rps']:>6.2f} | "
            f"{figures['rps'] / hello['rps']:>6.2f} | {figures['p50'] / 1000:>7.1f} | "
            f"{figures['p99'] / 1000:>7.1f} | {figures['requests']:>9,} | {figures['errors']:>6} |"
        )
    print()
    print(
        f"Ratio c/0 (req/s): {ratio:.2f}  (target ≥ {target} on {args.database}); c/a: "
        f"{pages['rps'] / hello['rps']:.2f}; a/0: {hello['rps'] / bare['rps']:.2f}"
    )
    print(f"p99 of (c): {p99:.1f} ms  (target < {TARGET_P99_MS:.0f} ms)")
    print(f"Target {'met' if met else 'MISSED'}.")
    for name, sizes in memory.items():
        listed = ", ".join(f"{m:.0f} MiB" for m in sizes)
        print(f"Resident memory per worker after the run, {name}: {listed}")
    print(
        f"SQL queries per provenance request: {checked['queries']['gs1']} (product page), "
        f"{checked['queries']['lot']} (batch page)"
    )
    print(
        f"Checked {checked['sample']} pages in-process: all certified and complete, "
        f"{checked['chains']} with a transport chain."
    )
    print(
        f"Scans written by the workers: {scans:,} (warm-up, (b), the renderings and (c); requests still "
        "open when wrk stops are counted by the server only)"
    )
    return met


def main(argv=None) -> int:
    args = parse_args(argv)
    if not os.access(WRK, os.X_OK):
        print(f"{WRK} not found: install it with `apt-get install wrk`.", file=sys.stderr)
        return 2

    from vonhier import create_app
    from vonhier.extensions import db

    tmp = Path(tempfile.mkdtemp(prefix="vonhier-bench-"))
    scratch = Scratch(args.database, tmp, args.postgres_url)
    app = process = None
    created = False
    try:
        scratch.create()
        created = True
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": scratch.url,
                "SECRET_KEY": secrets.token_urlsafe(32),
                "BASE_URL": "http://127.0.0.1",
                "UPLOAD_DIR": str(tmp / "uploads"),
                "RATELIMIT_STORAGE_URI": "memory://",
            }
        )
        started = time.monotonic()
        print(f"Building {args.products:,} products in {args.database} ...", flush=True)
        with app.app_context():
            built = build(app, args.products, args.organisations)
            db.session.remove()
        built["seconds"] = time.monotonic() - started
        print(f"Built in {built['seconds']:.1f} s; checking pages ...", flush=True)
        checked = check_pages(app, built["paths"])
        scans_before = scans_recorded(app)
        with app.app_context():
            db.engine.dispose()  # the workers get their own connections

        paths_file = tmp / "paths.txt"
        paths_file.write_text("\n".join(built["paths"]) + "\n")
        script = tmp / "bench.lua"
        script.write_text(LUA % {"paths": paths_file})
        # The floor first, alone on the machine: the same gunicorn settings, a bare Flask application.
        process, base, log = start_gunicorn(tmp, scratch.url, args.workers, entry="bench.bare:app")
        wait_until_up(process, base, log)
        print(f"Measuring (0) a bare Flask hello world for {args.duration} s ...", flush=True)
        if args.warmup:
            run_wrk(script, base, args, args.warmup, hello=True)
        bare = run_wrk(script, base, args, args.duration, hello=True)
        memory = {"bare Flask": worker_memory(process)}
        stop_gunicorn(process)

        process, base, log = start_gunicorn(tmp, scratch.url, args.workers)
        wait_until_up(process, base, log)
        print(f"gunicorn answers on {base}; warming up for {args.warmup} s ...", flush=True)
        if args.warmup:
            run_wrk(script, base, args, args.warmup, hello=False)
        print(f"Measuring (a) hello world for {args.duration} s ...", flush=True)
        hello = run_wrk(script, base, args, args.duration, hello=True)
        print(
            f"Measuring (b) provenance pages, most never rendered before, for {args.duration} s ...",
            flush=True,
        )
        cold = run_wrk(script, base, args, args.duration, hello=False)
        print(
            f"Rendering each of the {len(built['paths']):,} pages once, as scans on a running site do ...",
            flush=True,
        )
        render_all(base, built["paths"])
        if args.warmup:  # as before (a): each worker's caches fill as on a site that has been running
            run_wrk(script, base, args, args.warmup, hello=False)
        print(f"Measuring (c) provenance pages, all rendered before, for {args.duration} s ...", flush=True)
        pages = run_wrk(script, base, args, args.duration, hello=False)
        memory["the application"] = worker_memory(process)
        stop_gunicorn(process)
        print("Measuring (d) pages during a mass re-render after a new release ...", flush=True)
        process, rerender = mass_rerender(tmp, scratch.url, script, args)
        stop_gunicorn(process)
        runs = {"bare": bare, "hello": hello, "cold": cold, "pages": pages, "rerender": rerender}
        failed = [(label, f) for label, f in runs.items() if f["errors"]]
        scans = scans_recorded(app) - scans_before
        report(args, built, checked, runs, memory, scans)
        report_rerender(rerender, runs)
        if failed:
            for label, figures in failed:
                print(f"Errors in {label}: {figures}", file=sys.stderr)
            print(_tail(log), file=sys.stderr)
            return 1
        return 0
    except CheckFailed as error:
        print(f"Benchmark failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    finally:
        stop_gunicorn(process)
        if app is not None:
            _empty_scan_buffer(app)
            with app.app_context():
                db.engine.dispose()
        if created:
            scratch.drop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
