"""A product as it would be saved from the edit form being posted, with nothing stored: for features
that show something about a product while it is edited (certification's live pre-check).

The catalogue reads its own form here, so that no other feature needs to know the form's fields or
how its rows become a product; the other feature gets the product's snapshot, or the problems."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from ..forms import named_errors
from . import services
from .forms import ProductForm
from .models import Product

ROWS = {"ingredients": _l("Ingredient %(n)d"), "stages": _l("Step %(n)d of the supply chain")}


def posted_product(organisation_id: int, product: Product | None) -> tuple[dict | None, list[str]]:
    """(the snapshot the product would have with the posted form, []), or (None, the translated problems
    that keep the form from being saved, each naming its field). Nothing is stored; never fails for
    what a member may have typed so far."""
    form = ProductForm()
    form.category.choices = [SelectChoice(c.slug) for c in services.categories()]
    form.set_site_choices(*services.origin_choices(organisation_id))
    if not form.validate():
        return None, named_errors(form, ROWS) or [str(_l("Please check your entries."))]
    try:
        return services.preview_snapshot(organisation_id, product, form.product_input()), []
    except services.CatalogueError as error:
        return None, error.messages
