"""CSV import and export of an organisation's products with their ingredients and supply chains.

One row per ingredient; the product columns repeat on each row of the product (only the first row's
values count, later rows may leave them empty). Export → import gives the same catalogue.

Headers come in two languages: the English names (the model's) and German ones. The export and the
sample are written in the interface's language; the import reads either, in any mix. They are a file
format, so they are fixed here and not translated through the message catalogue. Cell values (codes
such as `processing`, `g`, `site:…`) are the same in both.
"""

import csv
import io
import secrets
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import hygiene, spreadsheet
from ..accounts.models import User
from ..extensions import db
from . import services
from .models import OriginKind, Product, Site, Species, StageKind, Unit
from .product_input import PRODUCT_FIELDS, ProductInput, allergen_codes, check_product, normalise

PRODUCT_COLUMNS = (*PRODUCT_FIELDS, "stages")
INGREDIENT_COLUMNS = ("ingredient", "share", "is_main", "is_value_determining", "is_water_or_salt", "origin")
# Last, and optional: files written before allergens were recorded still import, recording none. The
# ingredient's allergens, then the product's (on its first row, like the product columns).
ALLERGEN_COLUMNS = ("allergens", "allergen_traces", "allergen_free")
COLUMNS = PRODUCT_COLUMNS + INGREDIENT_COLUMNS + ALLERGEN_COLUMNS
REQUIRED_COLUMNS = PRODUCT_COLUMNS + INGREDIENT_COLUMNS
# An ingredient's model attributes under the names of the file's columns (product fields keep theirs).
MODEL_TO_CSV = {"name": "ingredient", "place_name": "origin"}
GERMAN_HEADERS = {
    "reference": "Artikelnummer",
    "name_de": "Name deutsch",
    "name_en": "Name englisch",
    "category": "Kategorie",
    "description_de": "Beschreibung deutsch",
    "description_en": "Beschreibung englisch",
    "package_size": "Packungsgröße",
    "package_unit": "Einheit",
    "gtin": "GTIN",
    "organic_control_body": "Öko-Kontrollstelle",
    "gmo_free": "Ohne Gentechnik",
    "species": "Tierart",
    "husbandry_level": "Haltungsform",
    "allergen_traces": "Spuren",
    "allergen_free": "Ohne Allergene",
    "stages": "Lieferkette",
    "ingredient": "Zutat",
    "share": "Anteil",
    "is_main": "Hauptzutat",
    "is_value_determining": "Wertgebend",
    "is_water_or_salt": "Wasser oder Salz",
    "origin": "Herkunft",
    "allergens": "Allergene",
}
HEADERS = {"en": {c: c for c in COLUMNS}, "de": GERMAN_HEADERS}
COLUMN_OF_HEADER = {h.casefold(): c for headers in HEADERS.values() for c, h in headers.items()}
MAX_ROWS = 10_000
PROGRESS_EVERY = 25
TRUE, FALSE = (
    {"1", "ja", "j", "yes", "y", "true", "wahr", "x"},
    {"", "0", "nein", "n", "no", "false", "falsch"},
)


# The columns of the file being checked under the headers it gives them, so that a problem names the
# column as the file does (`_at`).
_WRITTEN: ContextVar[dict[str, str] | None] = ContextVar("written_headers", default=None)


class Rows(list):
    """The rows of a file as (line, values by column); `written` maps each column to its header there."""

    written: dict[str, str]


class ImportRejected(Exception):
    """The file as a whole cannot be read; str() is a translated message."""


@dataclass
class ProductReport:
    reference: str
    name: str
    lines: list[int]
    action: str  # "new" or "update"
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    products: list[ProductReport]
    token: str | None = None

    @property
    def ok(self) -> bool:
        return bool(self.products) and not any(p.problems for p in self.products)

    @property
    def row_count(self) -> int:
        return sum(len(p.lines) for p in self.products)


def headers(language: str | None = None) -> list[str]:
    """The header row in `language` (the interface's by default; English for any other language)."""
    names = HEADERS.get(language or str(get_locale() or "en")[:2], HEADERS["en"])
    return [names[c] for c in COLUMNS]


# --- reading ------------------------------------------------------------------------------------------------


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1252, as spreadsheets write them."""
    if not raw.strip():
        raise ImportRejected(str(_l("The file is empty.")))
    encodings = ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected(
        str(_l("The file is neither UTF-8 nor Windows-1252 text. Please save it as CSV (UTF-8)."))
    )


def read_rows(raw: bytes) -> Rows:
    text = decode(raw)
    if "\x00" in text:
        raise ImportRejected(str(_l("This is not a CSV text file.")))
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    written = [h.strip() for h in reader.fieldnames or []]
    header = [COLUMN_OF_HEADER.get(h.casefold(), h.casefold()) for h in written]
    if missing := [c for c in REQUIRED_COLUMNS if c not in header]:
        named = dict(zip(COLUMNS, headers(), strict=True))
        raise ImportRejected(
            str(
                _l(
                    "Columns missing: %(columns)s. Download the sample file to see the format.",
                    columns=", ".join(named[c] for c in missing),
                )
            )
        )
    reader.fieldnames = header
    rows = Rows()
    rows.written = dict(zip(header, written, strict=True))
    try:
        for row in reader:
            if reader.line_num - 1 > MAX_ROWS:
                raise ImportRejected(
                    str(_l("The file has more than %(max)d rows. Please split it.", max=MAX_ROWS))
                )
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                # Our export quotes text a spreadsheet would run (`spreadsheet.cell`): read it as it was.
                values = {k: spreadsheet.text_of((row.get(k) or "").strip()) for k in COLUMNS}
                rows.append((reader.line_num, values))
    except csv.Error as error:
        raise ImportRejected(
            str(_l("The file is not valid CSV (line %(line)d).", line=reader.line_num))
        ) from error
    if not rows:
        raise ImportRejected(str(_l("The file contains no products.")))
    return rows


def _decimal(value: str) -> Decimal | None:
    return hygiene.number(value) if value else None


def _bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ValueError(str(_l("“%(value)s” is not yes/no.", value=value)))


def _allergens(value: str) -> list[str]:
    """Allergen codes separated by "|", as the export writes them ("gluten|sesame")."""
    return allergen_codes(value.split("|"))


def _enum(enum_class, value: str):
    if not value:
        return None
    try:
        return enum_class(value)
    except ValueError:
        raise ValueError(
            str(
                _l(
                    "“%(value)s” is not one of: %(allowed)s.",
                    value=value,
                    allowed=", ".join(m.value for m in enum_class),
                )
            )
        ) from None


class SiteNames:
    """Resolves "Site" (own) and "Organisation / Site" (a supplier) to site ids."""

    def __init__(self, organisation_id: int):
        self.organisation_id = organisation_id
        self.own, self.others = {}, {}
        for site in db.session.scalars(select(Site).where(Site.archived_at.is_(None))):
            if site.organisation_id == organisation_id:
                self.own.setdefault(site.name.casefold(), []).append(site.id)
            else:
                key = f"{site.organisation.display_name} / {site.name}".casefold()
                self.others.setdefault(key, []).append(site.id)

    def resolve(self, text: str) -> int:
        key = " / ".join(part.strip() for part in text.split("/")).casefold()
        found = self.others.get(key) if "/" in text else self.own.get(key)
        if not found:
            raise ValueError(str(_l("No site called “%(site)s”.", site=text)))
        if len(found) > 1:
            raise ValueError(str(_l("Several sites are called “%(site)s”; please rename one.", site=text)))
        return found[0]


def _at(line: int, column: str, message) -> str:
    """A problem located in the file, e.g. "Line 4, share: … is not a number"."""
    column = (_WRITTEN.get() or {}).get(column, column)
    return str(_l("Line %(n)d, %(column)s: %(message)s", n=line, column=column, message=message))


class _Cells:
    """Reads cells with a converter, noting a located problem for each cell it cannot read."""

    def __init__(self):
        self.problems: list[str] = []

    def read(self, line: int, column: str, convert, value: str):
        try:
            return convert(value)
        except ValueError as error:
            self.problems.append(_at(line, column, error))
            return None


def _product_input(rows: list[tuple[int, dict]], sites: SiteNames) -> tuple[ProductInput, list[str]]:
    cells = _Cells()
    line, first = rows[0]
    fields = _product_fields(line, first, cells)
    stages = _stages(line, first["stages"], sites, cells)
    for line, row in rows:
        for column, value in row.items():
            if problem := hygiene.text_problem(value, multi_line=column.startswith("description")):
                cells.problems.append(_at(line, column, problem))
    ingredients = [_ingredient(line, row, sites, cells) for line, row in rows]

    def where(column: str, ingredient: int | None, message: str) -> str:
        return _at(rows[ingredient or 0][0], MODEL_TO_CSV.get(column, column), message)

    return ProductInput(fields, ingredients, stages, where), cells.problems


def _product_fields(line: int, first: dict, cells: _Cells) -> dict:
    """The product's fields from its first row."""
    level = cells.read(line, "husbandry_level", _decimal, first["husbandry_level"])
    fields = {
        "reference": first["reference"],
        "name_de": first["name_de"],
        "name_en": first["name_en"],
        "category": first["category"],
        "description_de": first["description_de"],
        "description_en": first["description_en"],
        "package_size": cells.read(line, "package_size", _decimal, first["package_size"]),
        "package_unit": cells.read(line, "package_unit", lambda v: _enum(Unit, v), first["package_unit"]),
        "gtin": first["gtin"],
        "organic_control_body": first["organic_control_body"],
        "gmo_free": cells.read(line, "gmo_free", _bool, first["gmo_free"]),
        "species": cells.read(line, "species", lambda v: _enum(Species, v), first["species"]),
        "husbandry_level": int(level) if level is not None else None,
        "allergen_traces": cells.read(line, "allergen_traces", _allergens, first["allergen_traces"]) or [],
        "allergen_free": cells.read(line, "allergen_free", _bool, first["allergen_free"]) or False,
    }
    if not fields["name_de"]:
        cells.problems.append(_at(line, "name_de", _l("Please enter the product name.")))
    if level is not None and not (1 <= level <= 5 and level == int(level)):
        cells.problems.append(_at(line, "husbandry_level", _l("Please enter a level from 1 to 5.")))
    return fields


def _stages(line: int, text: str, sites: SiteNames, cells: _Cells) -> list[dict]:
    """The supply chain from its cell, "KIND=SITE|KIND=SITE"."""
    stages = []
    for part in filter(None, (p.strip() for p in text.split("|"))):
        kind, _, site = part.partition("=")
        stage_kind = cells.read(line, "stages", lambda v: _enum(StageKind, v), kind.strip())
        site_id = cells.read(line, "stages", sites.resolve, site.strip())
        if stage_kind and site_id:
            stages.append({"kind": stage_kind, "site_id": site_id})
    return stages


def _ingredient(line: int, row: dict, sites: SiteNames, cells: _Cells) -> dict:
    share = cells.read(line, "share", _decimal, row["share"])
    kind, _, value = row["origin"].partition(":")
    kind = kind.strip()
    ingredient = {
        "name": row["ingredient"],
        "share": share if share is not None else Decimal(0),
        "is_main": cells.read(line, "is_main", _bool, row["is_main"]) or False,
        "is_value_determining": cells.read(line, "is_value_determining", _bool, row["is_value_determining"])
        or False,
        "is_water_or_salt": cells.read(line, "is_water_or_salt", _bool, row["is_water_or_salt"]) or False,
        "origin_kind": OriginKind.PLACE if kind == "place" else None,
        "origin_site_id": None,
        "place_name": value.strip() if kind == "place" else "",
        "allergens": cells.read(line, "allergens", _allergens, row["allergens"]) or [],
    }
    if not ingredient["name"]:
        cells.problems.append(_at(line, "ingredient", _l("Please name the ingredient.")))
    if kind in ("site", "supplier"):
        ingredient["origin_site_id"] = cells.read(line, "origin", sites.resolve, value.strip())
    elif kind != "place":
        cells.problems.append(
            _at(line, "origin", _l("Write site:NAME, supplier:ORGANISATION / SITE or place:TOWN."))
        )
    return ingredient


def _grouped(rows):
    groups: dict[str, list] = {}
    for line, row in rows:
        key = row["reference"] or f"#line-{line}"
        groups.setdefault(key, []).append((line, row))
    return groups


def check(user, organisation_id: int, raw: bytes) -> tuple[Report, list[tuple[Product | None, ProductInput]]]:
    """Parse and check every product of the file without saving anything."""
    rows = read_rows(raw)
    written = _WRITTEN.set(rows.written)
    try:
        return _check(organisation_id, rows)
    finally:
        _WRITTEN.reset(written)


def _check(organisation_id: int, rows: Rows) -> tuple[Report, list[tuple[Product | None, ProductInput]]]:
    sites = SiteNames(organisation_id)
    existing = {p.reference: p for p in services.products_of(organisation_id, status=None)}
    reports, inputs, gtins = [], [], {}
    for reference, group in _grouped(rows).items():
        data, problems = _product_input(group, sites)
        product = existing.get(data.fields["reference"]) if data.fields["reference"] else None
        normalised = normalise(organisation_id, data)
        # All problems at once, so that a file can be fixed in one round.
        problems += check_product(organisation_id, product, normalised)
        if gtin := normalised.fields.get("gtin"):
            if gtin in gtins:
                problems.append(
                    str(_l("The GTIN %(gtin)s appears for two products in this file.", gtin=gtin))
                )
            gtins[gtin] = reference
        reports.append(
            ProductReport(
                reference=data.fields["reference"],
                name=data.fields["name_de"],
                lines=[line for line, _ in group],
                action="update" if product else "new",
                problems=problems,
            )
        )
        inputs.append((product, data))
    return Report(reports), inputs


# --- preview, stored upload, import ------------------------------------------------------------------------


def _upload_dir() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def preview(user, organisation_id: int, raw: bytes) -> Report:
    report, _ = check(user, organisation_id, raw)
    if report.ok:
        report.token = secrets.token_urlsafe(16)
        (_upload_dir() / f"{organisation_id}-{report.token}.csv").write_bytes(raw)
    return report


def stored_upload(organisation_id: int, token: str) -> Path:
    path = _upload_dir() / f"{organisation_id}-{token}.csv"
    if not token.replace("-", "").replace("_", "").isalnum() or not path.exists():
        raise ImportRejected(str(_l("This import is no longer available. Please upload the file again.")))
    return path


def import_file(user, organisation_id: int, raw: bytes) -> list[Product]:
    """Check and save every product of a file at once (flushed, not committed), as `flask demo load`
    does with its data; ImportRejected naming every problem when the file has any."""
    report, inputs = check(user, organisation_id, raw)
    if not report.ok:
        raise ImportRejected("\n".join(p for r in report.products for p in r.problems) or "no products")
    return [services.save_product(user, organisation_id, product, data) for product, data in inputs]


def run_with_progress(user_id: int, organisation_id: int, path: Path):
    """Import a checked file in one transaction, yielding progress steps for the page."""
    raw = path.read_bytes()
    user = db.session.get(User, user_id)
    try:
        report, inputs = check(user, organisation_id, raw)
        if not report.ok:
            raise ImportRejected(str(_l("The data changed since the preview. Please upload the file again.")))
        total = len(inputs)
        for done, (product, data) in enumerate(inputs, start=1):
            services.save_product(user, organisation_id, product, data)
            if done % PROGRESS_EVERY == 0 or done == total:
                yield {"done": done, "total": total}
        db.session.commit()
    except (ImportRejected, services.CatalogueError) as error:
        db.session.rollback()
        yield {"error": str(error)}
        return
    finally:
        path.unlink(missing_ok=True)
    yield {"finished": total}
