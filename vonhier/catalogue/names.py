"""Display names of site and stage kinds, units, species, husbandry levels, allergens, supplier link
states and the parts of a product version (see `vonhier/display_names.py`)."""

from flask_babel import lazy_gettext as _l

from ..display_names import add
from .models import Allergen, LinkStatus, SiteKind, Species, StageKind, Unit

SITE_KIND = add(
    "site_kind",
    {
        SiteKind.FARM: _l("Farm"),
        SiteKind.FIELD: _l("Field or pasture"),
        SiteKind.BARN: _l("Barn or stable"),
        SiteKind.APIARY: _l("Apiary"),
        SiteKind.DAIRY: _l("Dairy"),
        SiteKind.BAKERY: _l("Bakery"),
        SiteKind.BUTCHERY: _l("Butchery or slaughterhouse"),
        SiteKind.MILL: _l("Mill"),
        SiteKind.BREWERY: _l("Brewery or press"),
        SiteKind.PACKING: _l("Packing station"),
        SiteKind.WAREHOUSE: _l("Warehouse"),
        SiteKind.SHOP: _l("Shop"),
    },
)

STAGE_KIND = add(
    "stage_kind",
    {
        StageKind.PROCESSING: _l("Processing"),
        StageKind.PACKING: _l("Packing"),
        StageKind.STORAGE: _l("Storage"),
        StageKind.POINT_OF_SALE: _l("Point of sale"),
    },
)

UNIT = add(
    "unit",
    {
        Unit.GRAM: "g",
        Unit.KILOGRAM: "kg",
        Unit.MILLILITRE: "ml",
        Unit.LITRE: "l",
        Unit.PIECE: _l("piece(s)"),
    },
)

SPECIES = add(
    "species",
    {
        Species.CATTLE: _l("Cattle"),
        Species.PIG: _l("Pig"),
        Species.CHICKEN: _l("Chicken"),
        Species.TURKEY: _l("Turkey"),
        Species.DUCK: _l("Duck"),
        Species.GOOSE: _l("Goose"),
        Species.SHEEP: _l("Sheep"),
        Species.GOAT: _l("Goat"),
        Species.GAME: _l("Game"),
        Species.FISH: _l("Fish"),
        Species.BEES: _l("Bees"),
    },
)

HUSBANDRY = add(
    "husbandry",
    {
        1: _l("1 – Barn (Stall)"),
        2: _l("2 – Barn plus space (StallPlus)"),
        3: _l("3 – Fresh-air barn (Frischluftstall)"),
        4: _l("4 – Outdoor access or pasture (Auslauf/Weide)"),
        5: _l("5 – Organic (Bio)"),
    },
)

# The groups as Annex II of Regulation (EU) No 1169/2011 names them, shortened where the annex lists
# examples ("Nuts" stands for almonds, hazelnuts, walnuts …).
ALLERGEN = add(
    "allergen",
    {
        Allergen.GLUTEN: _l("Cereals containing gluten"),
        Allergen.CRUSTACEANS: _l("Crustaceans"),
        Allergen.EGGS: _l("Eggs"),
        Allergen.FISH: _l("Fish"),
        Allergen.PEANUTS: _l("Peanuts"),
        Allergen.SOYBEANS: _l("Soybeans"),
        Allergen.MILK: _l("Milk (including lactose)"),
        Allergen.NUTS: _l("Nuts (almonds, hazelnuts, walnuts and other tree nuts)"),
        Allergen.CELERY: _l("Celery"),
        Allergen.MUSTARD: _l("Mustard"),
        Allergen.SESAME: _l("Sesame seeds"),
        Allergen.SULPHITES: _l("Sulphur dioxide and sulphites"),
        Allergen.LUPIN: _l("Lupin"),
        Allergen.MOLLUSCS: _l("Molluscs"),
    },
)

# One word each, for "without …" in a filter and for the emphasis beside an ingredient.
ALLERGEN_SHORT = add(
    "allergen_short",
    {
        Allergen.GLUTEN: _l("Gluten"),
        Allergen.CRUSTACEANS: _l("Crustaceans"),
        Allergen.EGGS: _l("Egg"),
        Allergen.FISH: _l("Fish"),
        Allergen.PEANUTS: _l("Peanuts"),
        Allergen.SOYBEANS: _l("Soy"),
        Allergen.MILK: _l("Milk"),
        Allergen.NUTS: _l("Nuts"),
        Allergen.CELERY: _l("Celery"),
        Allergen.MUSTARD: _l("Mustard"),
        Allergen.SESAME: _l("Sesame"),
        Allergen.SULPHITES: _l("Sulphites"),
        Allergen.LUPIN: _l("Lupin"),
        Allergen.MOLLUSCS: _l("Molluscs"),
    },
)

LINK_STATUS = add(
    "link_status",
    {
        LinkStatus.PENDING: _l("awaiting confirmation"),
        LinkStatus.CONFIRMED: _l("confirmed by the supplier"),
        LinkStatus.DECLINED: _l("declined by the supplier"),
    },
)

CHANGE = {
    "created": _l("created"),
    "ingredients": _l("ingredients"),
    "stages": _l("supply chain"),
    "product.name_de": _l("name"),
    "product.name_en": _l("English name"),
    "product.reference": _l("article number"),
    "product.category": _l("category"),
    "product.is_animal": _l("category"),
    "product.description_de": _l("description"),
    "product.description_en": _l("English description"),
    "product.package_size": _l("package size"),
    "product.package_unit": _l("package size"),
    "product.gtin": _l("GTIN"),
    "product.organic_control_body": _l("organic control body"),
    "product.gmo_free": _l("GMO-free declaration"),
    "product.species": _l("animal species"),
    "product.husbandry_level": _l("husbandry level"),
    "product.allergen_traces": _l("allergens"),
    "product.allergens_recorded": _l("allergens"),
}


def change_text(changes: list[str]) -> str:
    """ "created", or the changed parts of a product version in words."""
    if changes == ["created"]:
        return str(CHANGE["created"])
    names = dict.fromkeys(str(CHANGE.get(c, c)) for c in changes)
    return str(_l("changed: %(parts)s", parts=", ".join(names)))
