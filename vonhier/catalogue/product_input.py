"""A product as its source gives it (the form, the CSV import, the demo loader, the live pre-check), made
typed by `normalise` and checked by `check_product`, which only returns problems and changes nothing.
Saving lives in `services.py`: it applies what this module has normalised and checked.

Allergens: each ingredient names the Annex II groups it carries (`allergens`), the product those it may
contain as traces (`allergen_traces`) or declares that it has none of the 14 (`allergen_free`). Named
allergens or that declaration make them recorded (`allergens_recorded`); the declaration beside a named
allergen is a contradiction and refused. A trace also contained by an ingredient is left out."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import Enum, String, inspect, select
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from ..extensions import db
from ..geo.places import best_place
from ..geo.services import in_default_region
from .models import Allergen, Category, Ingredient, OriginKind, Product, Site, Species, StageKind, Unit

# The product's own fields, as every source names them (the CSV file's product columns too). After
# `normalise` they hold the Product's attribute values: `category` the Category, not its slug.
PRODUCT_FIELDS = (
    "reference",
    "name_de",
    "name_en",
    "category",
    "description_de",
    "description_en",
    "package_size",
    "package_unit",
    "gtin",
    "organic_control_body",
    "gmo_free",
    "species",
    "husbandry_level",
)
SHARE_TOLERANCE = Decimal("0.5")


def allergen_codes(values) -> list[str]:
    """`values` (codes) once each in the annex's order; a ValueError names what is not an allergen."""
    given = {str(v).strip().lower() for v in values or () if str(v).strip()}
    if unknown := sorted(given - set(Allergen)):
        message = _l(
            "“%(value)s” is not one of: %(allowed)s.",
            value=", ".join(unknown),
            allowed=", ".join(a.value for a in Allergen),
        )
        raise ValueError(str(message))
    return [a.value for a in Allergen if a in given]


def normalise_gtin(value: str | None) -> str | None:
    """A GTIN-8/12/13/14 with a correct check digit, padded to 14 digits; None when empty. A ValueError
    says (translated) what is wrong."""
    value = (value or "").replace(" ", "").replace("-", "")
    if not value:
        return None
    if not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise ValueError(str(_l("A GTIN has 8, 12, 13 or 14 digits.")))
    try:
        ean.validate(value)
    except StdnumError as error:
        raise ValueError(str(_l("The GTIN %(gtin)s has a wrong check digit.", gtin=value))) from error
    return value.zfill(14)


def _in_form(column: str, ingredient: int | None, message: str) -> str:
    if ingredient is None:
        return message
    return str(_l("Ingredient %(n)d: %(problem)s", n=ingredient + 1, problem=message))


@dataclass
class ProductInput:
    """A product as its source gave it (form, CSV, demo data, API); `normalise` makes it typed."""

    fields: dict
    ingredients: list[dict]
    stages: list[dict] = field(default_factory=list)
    # Says where a problem lies in the source's own terms: (column, ingredient index or None, message).
    where: Callable[[str, int | None, str], str] = _in_form


@dataclass
class IngredientInput:
    """One ingredient, normalised: its origin resolved to a site, or to a place (with coordinates when
    the gazetteer knows it)."""

    name: str
    share: Decimal
    is_main: bool
    is_value_determining: bool
    is_water_or_salt: bool
    origin_kind: OriginKind | None  # None: the chosen site does not exist
    place_name: str
    origin_site: Site | None = None
    place_latitude: float | None = None
    place_longitude: float | None = None
    place_in_region: bool = False
    allergens: list[str] = field(default_factory=list)

    def columns(self) -> dict:
        """The values of the Ingredient model's columns."""
        return {
            "name": self.name,
            "share": self.share,
            "is_main": self.is_main,
            "is_value_determining": self.is_value_determining,
            "is_water_or_salt": self.is_water_or_salt,
            "origin_kind": self.origin_kind,
            "origin_site_id": self.origin_site.id if self.origin_site else None,
            "place_name": self.place_name,
            "place_latitude": self.place_latitude,
            "place_longitude": self.place_longitude,
            "place_in_region": self.place_in_region,
            "allergens": self.allergens,
        }


@dataclass
class StageInput:
    kind: StageKind
    site: Site | None  # None: the chosen site does not exist


@dataclass
class NormalisedInput:
    """A product input made typed by `normalise`: the GTIN padded, choices as enums, the category and
    the sites resolved. `check_product` reads it, saving and previewing apply it."""

    fields: dict  # the Product attributes the source gave (see PRODUCT_FIELDS), typed; and the allergens'
    ingredients: list[IngredientInput]
    stages: list[StageInput]
    # Translated problems with values normalising could not take, by kind ("length", "gtin", "choice",
    # "category"); check_product reports them among its own, each in its place.
    rejected: dict[str, list[str]]


def _too_long(model, values: dict) -> list[tuple[str, str]]:
    """(column, message) for each text longer than the model's column holds (its String length)."""
    problems = []
    for attribute in inspect(model).column_attrs:
        kind, value = attribute.columns[0].type, values.get(attribute.key)
        text = isinstance(kind, String) and not isinstance(kind, Enum) and isinstance(value, str)
        if text and kind.length and len(value) > kind.length:
            message = _l("At most %(max)d characters, not %(length)d.", max=kind.length, length=len(value))
            problems.append((attribute.key, str(message)))
    return problems


def normalise(organisation_id: int, data: ProductInput) -> NormalisedInput:
    """`data` typed and resolved, leaving `data` itself as it was. Never fails: what it cannot take it
    keeps as given and words in `rejected`."""
    fields = dict(data.fields)
    # The lengths as entered: a GTIN with spaces counts its spaces (as it always did).
    length = [data.where(column, None, text) for column, text in _too_long(Product, fields)]
    for number, ingredient in enumerate(data.ingredients):
        length += [data.where(column, number, text) for column, text in _too_long(Ingredient, ingredient)]
    rejected = {"length": length, "gtin": [], "choice": [], "category": []}
    try:
        fields["gtin"] = normalise_gtin(fields.get("gtin"))
    except ValueError as error:
        rejected["gtin"] = [str(error)]
    try:
        fields["species"] = Species(fields["species"]) if fields.get("species") else None
        fields["package_unit"] = Unit(fields["package_unit"]) if fields.get("package_unit") else None
    except ValueError:
        rejected["choice"] = [str(_l("Please choose only from the options shown."))]
    category = db.session.scalar(select(Category).where(Category.slug == fields.get("category")))
    if category is None:
        message = _l("Unknown category “%(category)s”.", category=fields.get("category") or "")
        rejected["category"] = [str(message)]
    else:
        fields["category"] = category
        if not category.is_animal:
            fields["species"], fields["husbandry_level"] = None, None
    ingredients = [_normalise_ingredient(organisation_id, i) for i in data.ingredients]
    if len(ingredients) == 1:
        ingredients[0].is_main = True  # a mono-product: its only ingredient is the main one
    _normalise_allergens(fields, data.ingredients, ingredients, rejected)
    stages = [StageInput(s["kind"], db.session.get(Site, s.get("site_id") or 0)) for s in data.stages]
    return NormalisedInput(fields, ingredients, stages, rejected)


def _normalise_allergens(fields: dict, given: list[dict], ingredients: list[IngredientInput], rejected):
    """The allergens typed: codes in the annex's order, traces without what an ingredient contains,
    and whether they count as recorded. Unknown codes are words in `rejected`."""
    try:
        for source, ingredient in zip(given, ingredients, strict=True):
            ingredient.allergens = allergen_codes(source.get("allergens"))
        traces = allergen_codes(fields.get("allergen_traces"))
    except ValueError as error:
        rejected["choice"] = [*rejected["choice"], str(error)]
        traces = []
    contained = {code for ingredient in ingredients for code in ingredient.allergens}
    fields["allergen_free"] = bool(fields.get("allergen_free"))
    fields["allergen_traces"] = [code for code in traces if code not in contained]
    fields["allergens_recorded"] = bool(fields["allergen_free"] or contained or traces)


def allergen_contradiction(data: "NormalisedInput") -> str | None:
    """The declaration "none of the 14" beside a named allergen, in words; None when there is none."""
    named = data.fields.get("allergen_traces") or any(i.allergens for i in data.ingredients)
    if data.fields.get("allergen_free") and named:
        return str(_l("You declared that the product contains none of the 14 allergens but named one."))
    return None


def _normalise_ingredient(organisation_id: int, given: dict) -> IngredientInput:
    ingredient = IngredientInput(
        name=given["name"],
        share=given["share"],
        is_main=given["is_main"],
        is_value_determining=given["is_value_determining"],
        is_water_or_salt=given["is_water_or_salt"],
        origin_kind=None,
        place_name="",
    )
    if given.get("origin_kind") == OriginKind.PLACE:
        ingredient.origin_kind = OriginKind.PLACE
        ingredient.place_name = given.get("place_name") or ""
        if name := ingredient.place_name.strip():
            # A town we know gets coordinates; a region or country ("Spanien") stays without them.
            found = best_place(name) or best_place(name, country=None)
            if found:
                ingredient.place_latitude, ingredient.place_longitude = found.latitude, found.longitude
                ingredient.place_in_region = in_default_region(found.latitude, found.longitude)
        return ingredient
    site = db.session.get(Site, given.get("origin_site_id") or 0)
    if site is not None:
        ingredient.origin_site = site
        own = site.organisation_id == organisation_id
        ingredient.origin_kind = OriginKind.OWN_SITE if own else OriginKind.SUPPLIER_SITE
    return ingredient


def check_product(organisation_id: int, product: Product | None, data: NormalisedInput) -> list[str]:
    """Translated problems with `data`, in the order the pages and the import show them; changes nothing."""
    fields, rejected = data.fields, data.rejected
    problems = rejected["length"] + rejected["gtin"]
    gtin = fields.get("gtin")
    if gtin and _taken(product, Product.gtin == gtin):
        problems.append(str(_l("The GTIN %(gtin)s is already used by another product.", gtin=gtin)))
    size = fields.get("package_size")
    if size is not None and not Decimal("0.001") <= size <= 1_000_000:
        problems.append(str(_l("The package size must be between 0.001 and 1,000,000.")))
    problems += rejected["choice"] + rejected["category"]
    reference = fields.get("reference")
    if reference and _taken(
        product, Product.organisation_id == organisation_id, Product.reference == reference
    ):
        problems.append(str(_l("The article number %(ref)s is already used.", ref=reference)))
    problems += _ingredient_problems(data.ingredients)
    if contradiction := allergen_contradiction(data):
        problems.append(contradiction)
    for number, stage in enumerate(data.stages, start=1):
        if stage.site is None or stage.site.archived_at is not None:
            problems.append(
                str(_l("Step %(n)d of the supply chain: please choose an active site.", n=number))
            )
    return problems


def _taken(product: Product | None, *where) -> bool:
    """Whether a product other than `product` matches `where`."""
    clash = db.session.scalar(select(Product.id).where(*where))
    return bool(clash) and (product is None or clash != product.id)


def _ingredient_problems(ingredients: list[IngredientInput]) -> list[str]:
    problems = []
    if not ingredients:
        problems.append(str(_l("Please enter at least one ingredient.")))
    total = sum((i.share for i in ingredients), Decimal(0))
    if ingredients and abs(total - 100) > SHARE_TOLERANCE:
        message = _l(
            "The shares add up to %(total)s %%; they must add up to 100 %% (± 0.5 percentage points).",
            total=format_decimal(total, "0.##"),
        )
        problems.append(str(message))
    if ingredients and len([i for i in ingredients if i.is_main]) != 1:
        problems.append(str(_l("Please mark exactly one main ingredient.")))
    for number, ingredient in enumerate(ingredients, start=1):
        if problem := _origin_problem(ingredient):
            problems.append(str(_l("Ingredient %(n)d: %(problem)s", n=number, problem=problem)))
    return problems


def _origin_problem(ingredient: IngredientInput) -> str | None:
    """The first problem with one ingredient's share and origin."""
    if ingredient.is_water_or_salt and ingredient.is_main:
        return str(_l("Water or salt cannot be the main ingredient."))
    if not Decimal(0) < ingredient.share <= 100:
        return str(_l("The share must be more than 0 and at most 100."))
    if ingredient.origin_kind == OriginKind.PLACE:
        return None if ingredient.place_name.strip() else str(_l("Please name the place of origin."))
    site = ingredient.origin_site
    if site is None or site.archived_at is not None:
        return str(_l("Please choose the site the ingredient comes from."))
    return None
