"""The catalogue as a CSV file (the export, and the sample to start from), in the format `csv_io` reads,
under the headers of the interface's language."""

from decimal import Decimal

from .. import region, spreadsheet
from . import services
from .csv_io import headers
from .models import OriginKind, Site


def _yes(value: bool) -> str:
    return "ja" if value else "nein"


def _number(value) -> str:
    return "" if value is None else f"{Decimal(value).normalize():f}".replace(".", ",")


def _site_ref(site: Site, organisation_id: int) -> str:
    return (
        site.name
        if site.organisation_id == organisation_id
        else f"{site.organisation.display_name} / {site.name}"
    )


def _declared_free(product) -> bool:
    """Recorded, and no allergen named: the producer declared "none of the 14"."""
    named = product.allergen_traces or any(i.allergens for i in product.ingredients)
    return product.allergens_recorded and not named


def export(organisation_id: int) -> str:
    return spreadsheet.table(headers(), _export_rows(organisation_id))


def _export_rows(organisation_id: int):
    for product in services.products_of(organisation_id, status=None):
        stages = "|".join(f"{s.kind.value}={_site_ref(s.site, organisation_id)}" for s in product.stages)
        head = [
            product.reference,
            product.name_de,
            product.name_en,
            product.category.slug,
            product.description_de,
            product.description_en,
            _number(product.package_size),
            product.package_unit.value if product.package_unit else "",
            product.gtin or "",
            product.organic_control_body,
            _yes(product.gmo_free),
            product.species.value if product.species else "",
            str(product.husbandry_level or ""),
            stages,
        ]
        traces = ["|".join(product.allergen_traces), _yes(_declared_free(product))]
        for ingredient in product.ingredients:
            if ingredient.origin_site is not None:
                prefix = "site" if ingredient.origin_kind == OriginKind.OWN_SITE else "supplier"
                origin = f"{prefix}:{_site_ref(ingredient.origin_site, organisation_id)}"
            else:
                origin = f"place:{ingredient.place_name}"
            yield [
                *head,
                ingredient.name,
                _number(ingredient.share),
                _yes(ingredient.is_main),
                _yes(ingredient.is_value_determining),
                _yes(ingredient.is_water_or_salt),
                origin,
                "|".join(ingredient.allergens),
                *traces,
            ]


def sample(organisation_id: int) -> str:
    """A bread that imports as it is into the organisation's catalogue: its supply chain and its water
    name the organisation's own first site; without sites, every origin is a place and there is no chain."""
    own = services.sites_of(organisation_id)
    site = own[0].name if own else None
    rye, wheat, water = region.pack().examples["towns"]
    head = [
        "A-0100",
        "Landbrot",
        "Country bread",
        "bakery",
        "Sauerteigbrot aus Roggen und Weizen",
        "",
        "1000",
        "g",
        "",
        "",
        "ja",
        "",
        "",
        f"processing={site}" if site else "",
    ]
    more = ["A-0100", *[""] * (len(head) - 1)]
    traces = ["sesame", "nein"]  # the product's: only its first row counts
    return spreadsheet.table(
        headers(),
        [
            [*head, "Roggenmehl", "55", "ja", "ja", "nein", f"place:{rye}", "gluten", *traces],
            [*more, "Weizenmehl", "20", "nein", "nein", "nein", f"place:{wheat}", "gluten", "", ""],
            [
                *more,
                "Wasser",
                "23",
                "nein",
                "nein",
                "ja",
                f"site:{site}" if site else f"place:{water}",
                "",
                "",
                "",
            ],
            [*more, "Salz", "2", "nein", "nein", "ja", f"place:{water}", "", "", ""],
        ],
    )
