"""A product's data as plain JSON, and the figures computed from it (never typed in).

`figures()` is a pure function of the ingredient and stage dicts, so a frozen version can be
re-evaluated later exactly as it was: the certification pre-check reads these dicts, not the ORM.
"""

from decimal import Decimal

from ..geo.services import haversine_km
from .models import Allergen

SNAPSHOT_FORMAT = 1


def place(site=None, *, name="", lat=None, lon=None, in_region=False) -> dict:
    """A location in a snapshot: a registered site, or a declared place of an unregistered supplier."""
    if site is not None:
        return {
            "site_id": site.id,
            "name": site.name,
            "town": site.town,
            "kind": site.kind.value,
            "organisation_id": site.organisation_id,
            "organisation": site.organisation.display_name,
            "lat": site.latitude,
            "lon": site.longitude,
            "in_region": site.in_region,
        }
    return {
        "site_id": None,
        "name": name,
        "town": name,
        "kind": None,
        "organisation_id": None,
        "organisation": None,
        "lat": lat,
        "lon": lon,
        "in_region": in_region,
    }


def _decimal_text(value) -> str | None:
    """ "200" whether the number came from a form (200) or from the database (200.000)."""
    return None if value is None else format(Decimal(value).normalize(), "f")


def _km(a: dict, b: dict) -> float | None:
    if a["lat"] is None or b["lat"] is None:
        return None
    return round(haversine_km(a["lat"], a["lon"], b["lat"], b["lon"]), 1)


def _key(location: dict):
    return location["site_id"] or (location["name"], location["lat"], location["lon"])


def figures(ingredients: list[dict], stages: list[dict]) -> dict:
    """Regional share, regional checks and transport legs for one product's data."""
    counted = [i for i in ingredients if not i["is_water_or_salt"]]
    legs, chain_km = _legs(counted, stages)
    known = [leg["km"] for leg in legs if leg["km"] is not None]
    return {
        **_regional(counted, stages),
        "legs": legs,
        "longest_leg_km": max(known) if known else None,
        "chain_km": round(chain_km, 1) if chain_km is not None else None,
        "distance_unknown": [i["name"] for i in counted if i["origin"]["lat"] is None],
    }


def _regional(counted: list[dict], stages: list[dict]) -> dict:
    """The regional share and checks; None where the product has nothing to check."""
    total = sum(i["share"] for i in counted)
    regional = sum(i["share"] for i in counted if i["origin"]["in_region"])
    main = next((i for i in counted if i["is_main"]), None)
    value_determining = [i for i in counted if i["is_value_determining"]]
    processing = [s for s in stages if s["kind"] in ("processing", "packing")]
    return {
        "regional_share": round(100 * regional / total, 2) if total else None,
        "main_ingredient_regional": main["origin"]["in_region"] if main else None,
        "value_determining_regional": (
            all(i["origin"]["in_region"] for i in value_determining) if value_determining else None
        ),
        "processing_in_region": all(s["site"]["in_region"] for s in processing) if processing else None,
    }


def _legs(counted: list[dict], stages: list[dict]) -> tuple[list[dict], float | None]:
    """The transport legs (each raw material's origin to the first stage, then stage to stage) and
    the whole chain's length."""
    stage_legs = [
        {
            "from": before["site"],
            "to": after["site"],
            "km": _km(before["site"], after["site"]),
            "ingredient": None,
        }
        for before, after in zip(stages, stages[1:], strict=False)
    ]
    if not stages:
        return stage_legs, None
    stage_km = sum(leg["km"] or 0 for leg in stage_legs)
    origin_legs, chain_km = {}, stage_km
    first = stages[0]["site"]
    for ingredient in counted:
        origin = ingredient["origin"]
        km = _km(origin, first)
        if km is None:
            continue
        # The whole chain is the longest way any raw material travels to the point of sale.
        chain_km = max(chain_km, km + stage_km)
        origin_legs.setdefault(
            (_key(origin), _key(first)),
            {"from": origin, "to": first, "km": km, "ingredient": ingredient["name"]},
        )
    return [*origin_legs.values(), *stage_legs], chain_km


def build(product, link_status: dict[int, str]) -> dict:
    """The full JSON data of `product` as it is now; `link_status` maps supplier site ids to their answer."""
    ingredients = []
    for row in product.ingredients:
        if row.origin_site is not None:
            origin = place(row.origin_site)
            # A supplier who declines to be named as the origin takes the regional claim with them.
            if link_status.get(row.origin_site_id) == "declined":
                origin["in_region"] = False
        else:
            origin = place(
                name=row.place_name,
                lat=row.place_latitude,
                lon=row.place_longitude,
                in_region=bool(row.place_in_region),
            )
        ingredients.append(
            {
                "name": row.name,
                "share": float(row.share),
                "is_main": row.is_main,
                "is_value_determining": row.is_value_determining,
                "is_water_or_salt": row.is_water_or_salt,
                "origin_kind": str(row.origin_kind),  # an enum once stored, a plain string in a preview
                "origin": origin,
                "allergens": list(row.allergens or []),
                "supplier_confirmation": link_status.get(row.origin_site_id)
                if row.origin_kind == "supplier_site"
                else None,
            }
        )
    stages = [{"kind": str(s.kind), "site": place(s.site)} for s in product.stages]
    category = product.category
    return {
        "format": SNAPSHOT_FORMAT,
        "product": {
            "id": product.id,
            "reference": product.reference,
            "name_de": product.name_de,
            "name_en": product.name_en,
            "category": category.slug,
            "is_animal": category.is_animal,
            "description_de": product.description_de,
            "description_en": product.description_en,
            "package_size": _decimal_text(product.package_size),
            "package_unit": product.package_unit.value if product.package_unit else None,
            "gtin": product.gtin,
            "organic_control_body": product.organic_control_body,
            "gmo_free": product.gmo_free,
            "species": product.species.value if product.species else None,
            "husbandry_level": product.husbandry_level,
            "allergen_traces": list(product.allergen_traces or []),
            "allergens_recorded": bool(product.allergens_recorded),
        },
        "organisation": {"id": product.organisation_id, "name": product.organisation.display_name},
        "ingredients": ingredients,
        "stages": stages,
        "figures": figures(ingredients, stages),
    }


def allergens(data: dict) -> dict:
    """A snapshot's allergens: whether they were recorded, those its ingredients contain and those it may
    contain as traces (codes in the annex's order). Versions older than allergens have none recorded."""
    product = data.get("product", {})
    contained = {code for i in data.get("ingredients", []) for code in i.get("allergens", [])}
    traces = set(product.get("allergen_traces", [])) - contained
    return {
        "recorded": bool(product.get("allergens_recorded")),
        "contains": [a.value for a in Allergen if a in contained],
        "traces": [a.value for a in Allergen if a in traces],
    }


def changes(old: dict | None, new: dict) -> list[str]:
    """Names of the parts that differ between two snapshots (for the version history)."""
    if old is None:
        return ["created"]
    changed = [f"product.{k}" for k in new["product"] if old["product"].get(k) != new["product"][k]]
    changed += [part for part in ("ingredients", "stages") if old[part] != new[part]]
    return changed
