"""A product as it would be saved from the edit form being posted, with nothing stored: for features
that show something about a product while it is edited (certification's live pre-check).

The catalogue reads its own form here, so that no other feature needs to know the form's fields or
how its rows become a product; the other feature gets the product's snapshot, or the problems."""

from wtforms.fields.choices import SelectChoice

from . import services
from .forms import ProductForm
from .models import Product


def posted_product(organisation_id: int, product: Product | None) -> tuple[dict | None, list[str]]:
    """(the snapshot the product would have with the posted form, []), or (None, the translated problems
    that keep the form from being saved). Nothing is stored."""
    form = ProductForm()
    form.category.choices = [SelectChoice(c.slug) for c in services.categories()]
    form.set_site_choices(*services.origin_choices(organisation_id))
    if not form.validate():
        return None, [str(e) for field_errors in form.errors.values() for e in _flatten(field_errors)]
    try:
        return services.preview_snapshot(organisation_id, product, form.product_input()), []
    except services.CatalogueError as error:
        return None, error.messages


def _flatten(errors):
    """The messages of a form's errors, also those of its row lists (nested lists and dicts)."""
    for error in errors:
        if isinstance(error, dict):
            for nested in error.values():
                yield from _flatten(nested)
        elif isinstance(error, list):
            yield from _flatten(error)
        else:
            yield error
