"""The revision of a product's provenance page, raised by every change to what the page shows.

`PageState.revision` grows in the same transaction as the change, whatever code made it: the
`after_flush` listener `_raise_revisions` maps each changed row (a product and its versions, images
and batches; its producer, certificate and certification body, licence, outlets, batch sites,
category) to the products whose pages show it; SQL run past the session must call
`raise_revisions`. Rows of later features a page shows (the orders feature's offers) are mapped by
their receivers of `signals.rows_shown`. A stored page of an older revision is never sent
(`pages.scan_facts`), and every process forgets the facts it keeps of those products (`facts.changed`).
Imported by `pages`, so the listener is connected wherever pages are read or stored.
"""

from itertools import chain

from sqlalchemy import event, func, inspect, literal, select, true, union
from sqlalchemy.orm import Session

from ..catalogue.models import Batch, Category, Product, ProductImage, ProductVersion, Site
from ..certification.models import Certificate, CertificateProduct
from ..database import upsert
from ..organisations.models import Organisation
from ..outlets.models import Outlet, outlet_products
from ..payments.models import Licence
from . import facts
from .models import PageState
from .signals import rows_shown


def _newest_certificate():
    return (
        select(func.max(CertificateProduct.certificate_id))
        .where(CertificateProduct.product_id == Product.id)
        .scalar_subquery()
    )


def raise_revisions(connection, product_ids=None) -> None:
    """Raise the revision of these products' pages (a subquery of ids; all products without) and point
    each at its newest certificate; creates the rows of new products. One statement."""
    products = select(Product.id, literal(1), _newest_certificate()).where(
        Product.id.in_(product_ids) if product_ids is not None else true()
    )
    statement = upsert(connection, PageState).from_select(
        ["product_id", "revision", "certificate_id"], products
    )
    newest = statement.excluded.certificate_id
    if connection.dialect.name == "postgresql":
        # The newest certificate was read before this statement waited for the row's lock: a transaction
        # that named a newer one and committed meanwhile must not be undone. Certificates are never taken
        # off a product and a newer one has a higher id, so the higher id is the newer (GREATEST skips a
        # NULL). SQLite lets one writer at a time read and write, so it has no such window.
        newest = func.greatest(PageState.certificate_id, newest)
    changed = connection.execute(
        statement.on_conflict_do_update(
            index_elements=["product_id"],
            set_={"revision": PageState.revision + 1, "certificate_id": newest},
        ).returning(PageState.product_id)
    )
    facts.changed(connection, changed.scalars())


def _changed(session: Session):
    yield from session.new
    yield from session.deleted
    yield from (obj for obj in session.dirty if session.is_modified(obj))


# Each model a page shows, and the products whose pages show a row of it (queries of their ids).
_PRODUCTS_OF = {
    Organisation: lambda ids: [  # a producer, or a certification body
        select(Product.id).where(Product.organisation_id.in_(ids)),
        select(CertificateProduct.product_id)
        .join(Certificate, Certificate.id == CertificateProduct.certificate_id)
        .where(Certificate.certification_body_id.in_(ids)),
    ],
    Certificate: lambda ids: [
        select(CertificateProduct.product_id).where(CertificateProduct.certificate_id.in_(ids))
    ],
    Outlet: lambda ids: [select(outlet_products.c.product_id).where(outlet_products.c.outlet_id.in_(ids))],
    Site: lambda ids: [select(Batch.product_id).where(Batch.origin_site_id.in_(ids))],
    Category: lambda ids: [select(Product.id).where(Product.category_id.in_(ids))],
}
_OF_PRODUCT = (ProductVersion, ProductImage, Batch, CertificateProduct)


@event.listens_for(Session, "after_flush")
def _raise_revisions(session: Session, flush_context) -> None:
    """Whatever code changed what a page shows, the product's revision follows in the same transaction."""
    products: set[int] = set()
    changed: dict[type, set[int]] = {}
    # Asked of the features built on provenance: rows of models it does not know, and outlets (their
    # offers show on pages of products they may not list).
    others = []
    for obj in _changed(session):
        if isinstance(obj, Product):
            products.add(obj.id)
        elif isinstance(obj, _OF_PRODUCT):
            products.add(obj.product_id)
        elif isinstance(obj, Licence):
            changed.setdefault(Organisation, set()).add(obj.organisation_id)
        elif type(obj) in _PRODUCTS_OF:
            changed.setdefault(type(obj), set()).add(obj.id)
        elif not isinstance(obj, PageState):
            others.append(obj)
        if isinstance(obj, Outlet):  # products taken off it are no longer in outlet_products
            others.append(obj)
            history = inspect(obj).attrs.products.history
            products |= {product.id for product in chain(history.added, history.deleted)}
    queries = [query for kind, ids in changed.items() for query in _PRODUCTS_OF[kind](ids)]
    if others:
        queries += [query for _receiver, found in rows_shown.send(None, rows=others) for query in found or ()]
    if products:
        queries.append(select(Product.id).where(Product.id.in_(products)))
    if queries:
        raise_revisions(session.connection(), union(*queries) if len(queries) > 1 else queries[0])
