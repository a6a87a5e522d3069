"""Free-text search over products, organisations and (added by their own feature) outlets.

The API (everything flushes, nothing commits):

- `index(kind, ref_id, texts)` adds or replaces one object's document; `texts` maps field names to a
  string or a list of strings, the field `"name"` is the title (it ranks higher). `index_many` does
  the same for many objects; `remove(kind, ref_id)` takes one out.
- `matching_ids(kind, query)` is a `SELECT ref_id` to be used inside the caller's own query
  (`Product.id.in_(matching_ids("product", q))`), so that filters, order and pagination stay the
  caller's; `ranked(kind, query)` adds a `score` column (higher is better) for ordering.
- `reindex()` rebuilds every kind that registered a `source` (`flask search reindex`).
- Products are indexed whenever a version is recorded or their status changes (archived products
  are removed), organisations whenever their profile is saved (their products too: the producer's
  name, town and district are part of a product's document). Outlets call `index("outlet", …)`
  themselves and register their own `source`.

How text is matched (the same rules on both databases, checked by tests/search on both):

- Documents and queries are *folded*: lower case, diacritics removed, ß → ss. So "kase" finds
  "Käse", and "Äpfel" (folded "apfel") finds "Apfelsaft" — German umlaut plurals mostly differ from
  the singular only by the umlaut. The price is some over-matching ("Bär" finds "Barnim").
- The user's text is never handed to a query language: it is cut into terms of letters and digits
  (everything else — quotes, `*`, `-`, `(`, `NEAR`, `;` — separates terms), duplicates dropped, at
  most `MAX_TERMS` terms used (the rest ignored). Text longer than `MAX_QUERY_LENGTH` characters
  raises `QueryTooLong` (callers answer 400 with its translated message). Terms are then quoted
  (FTS5) or bound as parameters (PostgreSQL), so no term can be an operator.
- Every term must match (AND), in any field: "Honig Uckermark" finds a honey whose producer is in
  the Uckermark.
- A term of 3 or more characters matches anywhere inside a word, so "käse" finds "Ziegenkäse" and
  "Käserei": German compounds are written as one word and neither SQLite nor PostgreSQL splits them.
  A term of 1 or 2 characters ("Ei") matches the start of a word only ("Eier", not "Heidelbeere").
- Callers that let `QueryTooLong` pass answer 400 with its message (it is a `BadRequest`).
- A query without any term (empty, or only punctuation such as `*`) matches nothing; callers that
  want "no text filter" leave the filter out when `terms(query)` is empty.

How it is done:

- SQLite: a substring search needs either a full scan with LIKE (about 50 ms per 100,000 documents
  here, whatever the query, growing with the data) or an index of trigrams (3 ms for a selective
  query over the same documents, at the price of an index about twice the size of the text). We
  use FTS5's `trigram` tokenizer (`search_trigrams`) for terms of 3+ characters and a `unicode61
  remove_diacritics 2` table with prefix indexes (`search_words`, `"ei"*`) for the short ones.
  Both are external-content tables over `search_documents`, filled by triggers, so deleting or
  changing a row (also the tests' clean-up) keeps them in step. FTS5 has no German stemmer.
- PostgreSQL: a `pg_trgm` GIN index on `body` serves `LIKE '%term%'`; a generated
  `to_tsvector('german', …)` column with a GIN index adds the Snowball stem, so that on PostgreSQL
  a term also matches inflected forms ("Honige" finds "Honig"). That is the one difference: SQLite
  finds fewer inflections. Neither splits compounds; the substring match covers them.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Select,
    String,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import BadRequest

from ..catalogue.models import Product, ProductStatus
from ..catalogue.signals import status_changed, version_recorded
from ..extensions import db
from ..organisations.models import Organisation
from ..organisations.signals import profile_saved
from .models import SearchDocument

MAX_QUERY_LENGTH = 200
MAX_TERMS = 8
MIN_SUBSTRING_LENGTH = 3  # the trigram tokenizer and pg_trgm need three characters
KIND_PATTERN = re.compile(r"[a-z_]{1,20}")
TERM_PATTERN = re.compile(r"[^\W_]+")


class QueryTooLong(BadRequest, ValueError):
    """The search text exceeds `MAX_QUERY_LENGTH`; str() is a translated message for the user.

    A 400 Bad Request: a view that lets it pass answers 400 with this message (HTML or, under
    /api/, JSON; see errors.py)."""

    vonhier_detail = True  # errors.py shows our (translated) description instead of Werkzeug's text

    def __init__(self, limit: int = MAX_QUERY_LENGTH):
        self.limit = limit
        super().__init__(_l("Please shorten your search to at most %(limit)d characters.", limit=limit))

    def __str__(self) -> str:
        return str(self.description)


# --- text -------------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without diacritics: "Käserei Müller" → "kaserei muller", "Straße" → "strasse"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(query: str | None) -> list[str]:
    """The searchable terms of a user's text; raises `QueryTooLong`."""
    query = query or ""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryTooLong()
    return list(dict.fromkeys(TERM_PATTERN.findall(fold(query))))[:MAX_TERMS]


def _values(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if v]


def _document(texts: Mapping[str, str | Iterable[str] | None]) -> tuple[str, str]:
    title = " ".join(_values(texts.get("name")))
    body = "\n".join(
        dict.fromkeys(v.strip() for field in texts.values() for v in _values(field) if v.strip())
    )
    return fold(title), fold(body)


def _check_kind(kind: str) -> None:
    if not KIND_PATTERN.fullmatch(kind):
        raise ValueError(f"not a search kind: {kind!r}")


# --- keeping the index --------------------------------------------------------------------------------


def index(kind: str, ref_id: int, texts: Mapping[str, str | Iterable[str] | None]) -> None:
    """Add or replace the document of one object."""
    _check_kind(kind)
    title, body = _document(texts)
    document = db.session.scalar(
        select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id)
    )
    if document is None:
        db.session.add(SearchDocument(kind=kind, ref_id=ref_id, title=title, body=body))
    elif (document.title, document.body) != (title, body):
        document.title, document.body = title, body
    db.session.flush()


def index_many(kind: str, items: Iterable[tuple[int, Mapping]], chunk: int = 1000) -> int:
    """Add or replace many documents at once (rebuilding, demo data, benchmark); returns the count."""
    _check_kind(kind)
    count = 0
    rows = []

    def write():
        ids = [row["ref_id"] for row in rows]
        db.session.execute(
            delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id.in_(ids))
        )
        db.session.execute(insert(SearchDocument), rows)
        rows.clear()

    for ref_id, texts in items:
        title, body = _document(texts)
        rows.append({"kind": kind, "ref_id": ref_id, "title": title, "body": body})
        count += 1
        if len(rows) >= chunk:
            write()
    if rows:
        write()
    db.session.flush()
    return count


def remove(kind: str, ref_id: int) -> None:
    db.session.execute(
        delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.ref_id == ref_id)
    )


# Each kind's full list of (ref_id, texts) for `reindex`; outlets register theirs with @source.
_sources: dict[str, Callable[[], Iterable[tuple[int, Mapping]]]] = {}


def source(kind: str):
    def register(function):
        _check_kind(kind)
        _sources[kind] = function
        return function

    return register


def reindex(kinds: Iterable[str] | None = None) -> dict[str, int]:
    """Rebuild the documents of `kinds` (default: every registered kind) from the live tables."""
    counts = {}
    for kind in kinds or list(_sources):
        db.session.execute(delete(SearchDocument).where(SearchDocument.kind == kind))
        counts[kind] = index_many(kind, _sources[kind]())
    return counts


# --- products and organisations ----------------------------------------------------------------------


def product_texts(product: Product) -> dict:
    producer = product.organisation
    return {
        "name": [product.name_de, product.name_en],
        "description": [product.description_de, product.description_en],
        "category": [product.category.name_de, product.category.name_en] if product.category else [],
        "ingredients": [i.name for i in product.ingredients],
        "producer": [producer.display_name, producer.town, producer.district] if producer else [],
    }


def organisation_texts(organisation: Organisation) -> dict:
    return {
        "name": organisation.display_name,
        "legal_name": organisation.legal_name,
        "place": [organisation.town, organisation.district],
        "description": [organisation.description_de, organisation.description_en],
    }


def index_product(product: Product) -> None:
    if product.status == ProductStatus.ARCHIVED:
        remove("product", product.id)
    else:
        index("product", product.id, product_texts(product))


@source("product")
def _all_products():
    products = db.session.scalars(
        select(Product)
        .where(Product.status != ProductStatus.ARCHIVED)
        .options(selectinload(Product.ingredients), selectinload(Product.organisation))
        .order_by(Product.id)
    )
    return ((p.id, product_texts(p)) for p in products)


@source("organisation")
def _all_organisations():
    organisations_ = db.session.scalars(select(Organisation).order_by(Organisation.id))
    return ((o.id, organisation_texts(o)) for o in organisations_)


@version_recorded.connect
def _product_saved(product, **_) -> None:
    index_product(product)


@status_changed.connect
def _product_status_changed(product, **_) -> None:
    index_product(product)


@profile_saved.connect
def _organisation_saved(organisation, **_) -> None:
    index("organisation", organisation.id, organisation_texts(organisation))
    products = db.session.scalars(
        select(Product)
        .where(Product.organisation_id == organisation.id, Product.status != ProductStatus.ARCHIVED)
        .options(selectinload(Product.ingredients))
    )
    for product in products:
        index("product", product.id, product_texts(product))


# --- querying ------------------------------------------------------------------------------------------


def matching_ids(kind: str, query: str | None) -> Select:
    """`SELECT ref_id` of the documents of `kind` that contain every term of `query` (the whole
    index; to check a few rows that other filters left, use `matches`)."""
    found = terms(query)
    statement = select(SearchDocument.ref_id)
    if not found:
        return statement.where(false())
    if db.engine.dialect.name == "sqlite":
        # SQLite cannot estimate how many rows an FTS5 match yields and would scan every document of
        # the kind, testing each against the match. `kind || ''` keeps it off the (kind, ref_id)
        # index, so that the matched rowids drive the lookup instead (see bench/textsearch.py).
        statement = statement.where((SearchDocument.kind + "") == kind)
    else:
        statement = statement.where(SearchDocument.kind == kind)
    return statement.where(*_conditions(found))


def matches(kind: str, query: str | None, ref):
    """True where the document of `kind` for `ref` (a column of the outer query, such as `Product.id`)
    contains every term of `query`: checked row by row, on the rows that other filters left."""
    found = terms(query)
    if not found:
        return false()
    documents = select(SearchDocument.id).where(
        SearchDocument.kind == kind, SearchDocument.ref_id == ref, *_conditions(found, few=True)
    )
    if db.engine.dialect.name == "postgresql":
        # OFFSET 0 keeps PostgreSQL from turning the EXISTS into a hashed subplan that matches the
        # whole index first ("betrieb" is in every product's document): one row at a time instead.
        documents = documents.offset(0)
    return documents.exists()


def ranked(kind: str, query: str | None) -> Select:
    """`SELECT ref_id, score` of the matches, best first: terms in the name count most."""
    found = terms(query)
    score = literal(0)
    for term in found:
        score = score + case((SearchDocument.title.like(_param(f"%{term}%")), 2), else_=0)
    if found:
        score = score + case((SearchDocument.title.like(_param(f"{found[0]}%")), 1), else_=0)
    score = score.label("score")
    return matching_ids(kind, query).add_columns(score).order_by(score.desc(), SearchDocument.ref_id)


def _param(value: str):
    return bindparam(None, value, type_=String)


def _conditions(found: list[str], few: bool = False) -> list:
    long_terms = [t for t in found if len(t) >= MIN_SUBSTRING_LENGTH]
    short_terms = [t for t in found if len(t) < MIN_SUBSTRING_LENGTH]
    if db.engine.dialect.name == "postgresql":
        tsv = sa.literal_column("search_documents.tsv")

        def tsquery(config: str, term: str):
            return func.to_tsquery(sa.literal_column(f"'{config}'::regconfig"), _param(f"{term}:*"))

        return [
            or_(SearchDocument.body.like(_param(f"%{t}%")), tsv.op("@@")(tsquery("german", t)))
            for t in long_terms
        ] + [tsv.op("@@")(tsquery("simple", t)) for t in short_terms]
    # SQLite: terms are letters and digits only, so double quotes make each a plain FTS5 string.
    conditions = []
    if long_terms and few:
        # On a few documents a substring test is what the trigram match answers, without the index.
        conditions += [SearchDocument.body.like(_param(f"%{t}%")) for t in long_terms]
    elif long_terms:
        conditions.append(SearchDocument.id.in_(_fts("search_trigrams", [f'"{t}"' for t in long_terms])))
    if short_terms:
        conditions.append(SearchDocument.id.in_(_fts("search_words", [f'"{t}"*' for t in short_terms])))
    return conditions


def _fts(table: str, phrases: list[str]) -> Select:
    fts = sa.table(table, sa.column("rowid"))
    return select(fts.c.rowid).where(sa.literal_column(table).op("MATCH")(_param(" AND ".join(phrases))))
