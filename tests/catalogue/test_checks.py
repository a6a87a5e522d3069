"""Product checks on their own: every problem at once, in a fixed order, with nothing changed."""

from decimal import Decimal

import pytest

from tests import factories
from vonhier.catalogue import product_input, services
from vonhier.catalogue.models import OriginKind, StageKind
from vonhier.extensions import db
from vonhier.permissions import SYSTEM


def ingredient(name, share, **changes):
    return {
        "name": name,
        "share": Decimal(share),
        "is_main": False,
        "is_value_determining": False,
        "is_water_or_salt": False,
        "origin_kind": "place",
        "origin_site_id": None,
        "place_name": "Angermünde",
        **changes,
    }


def test_every_problem_is_reported_at_once_in_order(app, login_as):
    owner = login_as("owner")
    org = owner.organisation.id
    site = factories.site(app, org, name="Hof", town="Angermünde", latitude=53.0167, longitude=13.9994)
    fields = {
        "name_de": "K" * 121,
        "category": "spaceships",
        "gtin": "4006381333932",
        "package_size": Decimal(0),
        "species": "unicorn",
        "gmo_free": False,
    }
    rows = [
        ingredient("Salz", "50", is_water_or_salt=True, is_main=True),
        ingredient("Milch", "0"),
        ingredient("Kräuter", "20", place_name=""),
        ingredient("Sahne" * 30, "20", origin_kind=None, origin_site_id=999_999),
        ingredient("Quark", "20", origin_kind=None, origin_site_id=site.id),
    ]
    stages = [{"kind": "processing", "site_id": 999_999}, {"kind": "packing", "site_id": site.id}]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(services.CatalogueError) as refused:
            services.save_product(SYSTEM, org, None, product_input.ProductInput(fields, rows, stages))
        assert refused.value.messages == [
            "At most 120 characters, not 121.",
            "Ingredient 4: At most 120 characters, not 150.",
            "The GTIN 4006381333932 has a wrong check digit.",
            "The package size must be between 0.001 and 1,000,000.",
            "Please choose only from the options shown.",
            "Unknown category “spaceships”.",
            "The shares add up to 110 %; they must add up to 100 % (± 0.5 percentage points).",
            "Ingredient 1: Water or salt cannot be the main ingredient.",
            "Ingredient 2: The share must be more than 0 and at most 100.",
            "Ingredient 3: Please name the place of origin.",
            "Ingredient 4: Please choose the site the ingredient comes from.",
            "Step 1 of the supply chain: please choose an active site.",
        ]
        db.session.rollback()


def test_clashes_and_a_missing_ingredient_are_reported_in_order(app, login_as):
    owner = login_as("owner")
    org = owner.organisation.id
    fields = {"name_de": "Honig", "category": "honey", "gtin": "4006381333931", "reference": "R-1"}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        services.save_product(
            SYSTEM, org, None, product_input.ProductInput(dict(fields), [ingredient("Honig", "100")])
        )
        with pytest.raises(services.CatalogueError) as refused:
            services.save_product(SYSTEM, org, None, product_input.ProductInput(dict(fields), []))
        assert refused.value.messages == [
            "The GTIN 04006381333931 is already used by another product.",
            "The article number R-1 is already used.",
            "Please enter at least one ingredient.",
        ]
        db.session.rollback()


def test_normalise_types_and_resolves_and_check_changes_nothing(app, login_as):
    owner = login_as("owner")
    org = owner.organisation.id
    site = factories.site(app, org, name="Hof", town="Angermünde", latitude=53.0167, longitude=13.9994)
    fields = {"name_de": "Apfelmus", "category": "preserves", "gtin": "4006381333931", "species": "goat"}
    rows = [ingredient("Äpfel", "100", origin_kind=None, origin_site_id=site.id)]
    given = product_input.ProductInput(fields, rows, [{"kind": StageKind.PACKING, "site_id": site.id}])
    before = repr(given)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        normalised = product_input.normalise(org, given)
        assert repr(given) == before  # the source's own data stays as it was
        assert normalised.fields["gtin"] == "04006381333931"
        assert (
            normalised.fields["category"].slug == "preserves" and normalised.fields["species"] is None
        )  # not an animal
        (apples,) = normalised.ingredients
        assert (
            apples.is_main and apples.origin_kind == OriginKind.OWN_SITE and apples.origin_site.id == site.id
        )
        assert normalised.stages[0].site.id == site.id
        after_normalising = repr(normalised)
        assert product_input.check_product(org, None, normalised) == []
        assert repr(normalised) == after_normalising
        db.session.rollback()
