"""Structured data as a search engine reads it: a page's JSON-LD extracted by `extruct` (not by a pattern of
our own, which would read what we meant rather than what we wrote), and the properties that Google's
guidelines require or recommend for each type (Search Central: Product snippets and merchant listings,
Local business, Organization; schema.org's `Certification` for `hasCertification`)."""

import extruct

# Google's product snippet requires a name and one of offers, review or aggregateRating; there are no
# prices yet (the pre-order issue adds them), so a product page has the name and what is recommended.
PRODUCT_REQUIRED = ("name",)
PRODUCT_RECOMMENDED = ("brand.name", "image", "description", "gtin14")
# schema.org `Certification`: what it is, its number, its state, who issued it and for how long.
CERTIFICATION = (
    "name",
    "certificationIdentification",
    "certificationStatus",
    "issuedBy.name",
    "validFrom",
    "expires",
    "url",
)
# Local business: a name and an address (as many of its parts as there are) required, and a stable @id;
# geo, url, image and openingHoursSpecification recommended.
LOCAL_BUSINESS_REQUIRED = (
    "@id",
    "name",
    "address.streetAddress",
    "address.addressLocality",
    "address.postalCode",
    "address.addressCountry",
)
LOCAL_BUSINESS_RECOMMENDED = ("url", "geo.latitude", "geo.longitude", "openingHoursSpecification")
# Organization: nothing required; these recommended where the organisation has them.
ORGANIZATION_RECOMMENDED = ("name", "url", "address.addressLocality", "address.addressCountry")


def json_ld(html: str) -> list[dict]:
    """Every JSON-LD item of a page, as extruct reads it."""
    return extruct.extract(html, base_url="http://localhost/", syntaxes=["json-ld"])["json-ld"]


def item(html: str, *types: str) -> dict:
    """The page's one JSON-LD item, which must be of one of `types`."""
    items = json_ld(html)
    assert len(items) == 1, items
    assert items[0]["@context"] == "https://schema.org"
    assert items[0]["@type"] in types, items[0]["@type"]
    return items[0]


def value(data: dict, path: str):
    """The value at a dotted path ("address.postalCode"), or None."""
    for key in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def missing(data: dict, paths) -> list[str]:
    """The paths without a value: empty strings and lists count as missing, as Google flags them."""
    return [path for path in paths if value(data, path) in (None, "", [], {})]


def absolute(url) -> bool:
    return isinstance(url, str) and url.startswith("http://localhost/")


def address(locality: str, street: str = "", postcode: str = "", country: str = "DE") -> dict:
    """The `PostalAddress` a page should give, its empty parts left out."""
    found = {"streetAddress": street, "postalCode": postcode}
    return {
        "@type": "PostalAddress",
        "addressLocality": locality,
        "addressCountry": country,
        **{key: part for key, part in found.items() if part},
    }
