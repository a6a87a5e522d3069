"""`flask region check` names what would break `flask db upgrade`, `flask demo load` or the calendar
files, without a traceback: malformed values, what the database refuses, a polygon, map or examples of
another region, demo files naming organisations that do not exist. No database: the check needs none."""

import json
import re

import pytest

from vonhier import region


def sub(pattern, replacement, count=1):
    return lambda text: re.sub(pattern, replacement, text, count=count, flags=re.MULTILINE)


def check(pure_app, path):
    result = pure_app.test_cli_runner().invoke(args=["region", "check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1, result.output
    return [line for line in result.output.splitlines() if line.startswith("problem: ")]


def _polygon_of_another_region(text):
    data = json.loads(text)
    data["features"][0]["properties"]["code"] = "XX-OLD"
    return json.dumps(data)


REGION = "region.toml"
CATALOGUE = "catalogue.toml"
ORGANISATIONS = "demo/organisations.toml"


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        (REGION, sub(r'^timezone = ".*"', 'timezone = "Europe/"'), r"unknown time zone 'Europe/'"),
        (REGION, sub(r'^timezone = ".*"', 'timezone = "Europe/Berlin/.."'), r"unknown time zone"),
        (REGION, sub(r'^timezone = ".*"', 'timezone = "/etc/localtime"'), r"not a European one"),
        (REGION, sub(r'^timezone = ".*"', 'timezone = "America/New_York"'), r"EU's summer-time rule"),
        (REGION, sub(r"^centre = .*", 'centre = "x"'), r"\[map\]: `centre` must be \[latitude, longitude\]"),
        (REGION, sub(r"^centre = .*", "centre = [95, 12]"), r"`centre` must be"),
        (REGION, sub(r"^zoom = .*", 'zoom = "8"'), r"\[map\]: `zoom` must be a whole number"),
        (
            REGION,
            sub(r'^code = ".*"', 'code = "A-REGION-CODE-TOO-LONG"'),
            r"`code` must be a text of at most 20",
        ),
        (
            REGION,
            sub(r'^invoice_prefix = ".*"', 'invoice_prefix = "VONHIER-BB"'),
            r"invoice_prefix 'VONHIER-BB'",
        ),
        (REGION, sub(r'^invoice_prefix = ".*"', 'invoice_prefix = "vh"'), r"invoice_prefix 'vh': at most 9"),
        (
            REGION,
            sub(r'(\[\[licence_tiers\]\]\ncode = )".*"', r'\1"a-tier-code-far-too-long"'),
            r"code must be a text of at most 20",
        ),
        (
            REGION,
            sub(r'^size_class = ".*"', 'size_class = "huge"'),
            r"size_class 'huge' is not one of micro, small, medium",
        ),
        (
            REGION,
            sub(r'^size_class = ".*"', 'size_class = "micro"', count=0),
            r"size_class 'micro' is given to an earlier tier too",
        ),
        (REGION, sub(r"^centre = .*", "centre = [48.14, 11.58]"), r"\[map\] centre: lies [\d,]+ km outside"),
        (
            REGION,
            sub(r'^place = ".*"', 'place = "Freiburg im Breisgau"'),
            r"\[examples\] place: 'Freiburg im Breisgau' is not a place in the region",
        ),
        (
            REGION,
            sub(r'^postcode = ".*"', 'postcode = "79098"'),
            r"\[examples\] postcode: '79098' is not a postcode in the region",
        ),
        (
            REGION,
            sub(r'^towns = \["[^"]*"', 'towns = ["Nirgendwoheim"'),
            r"towns: 'Nirgendwoheim' is not a town the gazetteer knows",
        ),
        (CATALOGUE, sub(r"^params = .*", "params = 75"), r"criterion .+: params must be a table, not 75"),
        (
            CATALOGUE,
            sub(r"^evidence = .*", 'evidence = "recipe"'),
            r"criterion .+: evidence must be a list, not 'recipe'",
        ),
        (
            CATALOGUE,
            sub(r"^categories = .*", 'categories = "fruit"'),
            r"criterion .+: categories must be a list",
        ),
        (CATALOGUE, sub(r"^title_de = .*", "title_de = 5"), r"criterion .+: title_de must be a text, not 5"),
        (
            CATALOGUE,
            sub(r'(\[\[criteria\]\]\n)code = ".*"', r"\1code = 1"),
            r"criterion 1: code must be a text, not 1",
        ),
        (
            CATALOGUE,
            sub(r'(\[\[criteria\]\]\n)code = ".*"', r'\1code = "A-CRITERION-CODE-TOO-LONG"'),
            r"code is longer than 20 characters",
        ),
        (
            CATALOGUE,
            sub(r'^code = ".*"', 'code = "A-CATALOGUE-CODE-TOO-LONG"'),
            r"catalogue\.toml code is longer than 20",
        ),
        ("region.geojson", _polygon_of_another_region, r"the Feature's code 'XX-OLD' is not the pack's"),
        (
            ORGANISATIONS,
            sub(r'^state = ".*"', 'state = "XX"'),
            r"organisations\.toml \[\[organisation\]\] 1 \(.+\): state 'XX'",
        ),
        (
            ORGANISATIONS,
            sub(r'^(key = ".*")\n((?:.*\n)*?)key = ".*"', r"\1\n\2\1"),
            r"\[\[organisation\]\] 2: key .+ earlier organisation too",
        ),
        (ORGANISATIONS, sub(r"^\[\[organisation\]\]", "[[somebody]]", count=0), r"no \[\[organisation\]\]"),
        (
            "demo/accounts.toml",
            sub(r'^organisation = ".*"', 'organisation = "nobody"'),
            r"accounts\.toml \[\[user\]\] \d+ \(.+\): organisation 'nobody' is not a key",
        ),
        (
            "demo/sites.csv",
            sub(r"^(?!\ufeff?organisation;)[\w-]+;", "nobody;"),
            r"sites\.csv line 2: organisation 'nobody' is not a key",
        ),
        (
            "demo/batches.csv",
            sub(r"^(?!\ufeff?organisation;)[\w-]+;", "nobody;"),
            r"batches\.csv line 2: organisation 'nobody'",
        ),
    ],
)
def test_the_check_names_what_would_fail_later(pure_app, broken, name, change, message):
    problems = check(pure_app, broken(name, change))
    assert any(re.search(message, problem) for problem in problems), problems


def test_a_product_file_of_no_organisation_is_named(pure_app, broken):
    path = broken(REGION, lambda text: text)
    products = sorted((path / "demo" / "products").glob("*.csv"))[0]
    products.rename(products.with_name("nobody.csv"))
    assert "demo/products/nobody.csv: 'nobody' is not a key of demo/organisations.toml" in [
        problem.removeprefix("problem: ") for problem in check(pure_app, path)
    ]


def test_every_problem_of_region_toml_is_named_at_once(pure_app, broken):
    broken(REGION, sub(r'^timezone = ".*"', 'timezone = "Mars/Olympus"'))
    path = broken(REGION, sub(r"^zoom = .*", "zoom = 8.5"))
    problems = check(pure_app, path)
    assert any("Mars/Olympus" in p for p in problems) and any("`zoom`" in p for p in problems)
    with pytest.raises(region.PackError) as error:
        region.load(path)
    assert len(str(error.value).splitlines()) == 2
