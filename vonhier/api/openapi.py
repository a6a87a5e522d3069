"""The OpenAPI 3.1 description of /api/v1/, written as data.

`document()` adds only what lives in the database or the region pack: the server's address, the
category slugs (reference data seeded by the migrations), the label's and the region's names.
tests/api/test_openapi.py validates the document and lets schemathesis check every response against it.
"""

import copy

from .. import region
from ..catalogue.models import Allergen
from ..discover import search as product_search
from ..hygiene import SINGLE_LINE_PATTERN
from ..outlets import finder
from ..search.services import MAX_QUERY_LENGTH

VERSION = "1.0.0"

CERTIFICATE_STATUSES = ["active", "review_needed", "suspended", "revoked", "expired"]
ORG_KINDS = ["producer", "processor", "retailer", "outlet_operator", "certification_body"]
OUTLET_KINDS = [
    "farm_shop",
    "market_stand",
    "vending_machine",
    "delivery",
    "csa_depot",
    "online_shop",
    "restaurant",
]


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
OPTIONAL_STRING = {"type": ["string", "null"]}
OPTIONAL_URL = _nullable(URL)
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
ALLERGEN = {
    "enum": [a.value for a in Allergen],
    "description": "One of the 14 allergen groups of Regulation (EU) No 1169/2011, Annex II.",
}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "status": {"type": "integer"},
                    "title": STRING,
                    "message": {"type": "string", "description": "A sentence in the request's language."},
                }
            )
        }
    ),
    "Links": _object({"self": URL, "next": OPTIONAL_URL, "prev": OPTIONAL_URL}),
    "Coordinates": _object(
        {
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "lon": {"type": "number", "minimum": -180, "maximum": 180},
        }
    ),
    "Category": _object({"slug": STRING, "name_de": STRING, "name_en": STRING}),
    "OrganisationRef": _object(
        {
            "id": ID,
            "name": STRING,
            "url": {
                **OPTIONAL_URL,
                "description": "The API profile; null for organisations without a licence.",
            },
            "page_url": URL,
        }
    ),
    "CertificateRef": _object(
        {
            "number": STRING,
            "status": {
                "enum": CERTIFICATE_STATUSES,
                "description": "The effective status: a certificate past its end date is expired.",
            },
            "valid_from": {"type": "string", "format": "date"},
            "valid_until": {"type": "string", "format": "date"},
            "url": URL,
        }
    ),
    "Product": _object(
        {
            "id": ID,
            "name_de": STRING,
            "name_en": OPTIONAL_STRING,
            "category": _ref("Category"),
            "producer": _ref("OrganisationRef"),
            "gtin": {"type": ["string", "null"], "pattern": "^[0-9]{14}$"},
            "url": {
                **OPTIONAL_URL,
                "description": "The public provenance page (GS1 Digital Link or short code),"
                " as in `flask qr urls`.",
            },
            "qr_svg": {**OPTIONAL_URL, "description": "The QR code of `url` as SVG."},
            "certificate": _ref("CertificateRef"),
            "regional_share": {
                "type": ["number", "null"],
                "description": "Per cent of raw materials from the region (current data version).",
            },
            "chain_km": {
                "type": ["number", "null"],
                "description": "Longest way a raw material travels to the point of sale, in km.",
            },
            "allergens": {
                **_object(
                    {
                        "recorded": {
                            "type": "boolean",
                            "description": "False: the producer has not recorded allergens (nothing can be"
                            " said). True with both lists empty: it declared none of the 14.",
                        },
                        "contains": {
                            "type": "array",
                            "items": _object(
                                {
                                    "allergen": ALLERGEN,
                                    "ingredients": {
                                        "type": "array",
                                        "items": STRING,
                                        "description": "The ingredients that carry it.",
                                    },
                                }
                            ),
                        },
                        "traces": {
                            "type": "array",
                            "items": ALLERGEN,
                            "description": "May contain traces of (not contained by an ingredient).",
                        },
                    }
                ),
                "description": "Allergens of the current data version, in the annex's order.",
            },
        }
    ),
    "Batch": _object({"lot": STRING, "url": URL, "qr_svg": URL}),
    "Organisation": _object(
        {
            "id": ID,
            "name": STRING,
            "legal_name": STRING,
            "kinds": {"type": "array", "items": {"enum": ORG_KINDS}},
            "description_de": OPTIONAL_STRING,
            "description_en": OPTIONAL_STRING,
            "address": _object(
                {
                    "street": STRING,
                    "postcode": STRING,
                    "town": STRING,
                    "district": OPTIONAL_STRING,
                    "state": OPTIONAL_STRING,
                    "country": STRING,
                }
            ),
            "coordinates": _nullable(_ref("Coordinates")),
            "contact": _object(
                {"website": OPTIONAL_STRING, "phone": OPTIONAL_STRING, "email": OPTIONAL_STRING},
            ),
            "founding_year": {"type": ["integer", "null"]},
            "control_body_code": OPTIONAL_STRING,
            "logo_url": OPTIONAL_URL,
            "page_url": URL,
        }
    ),
    "OutletRef": _object({"id": ID, "name": STRING, "kind": {"enum": OUTLET_KINDS}, "url": URL}),
    "Outlet": _object(
        {
            "id": ID,
            "name": STRING,
            "kind": {"enum": OUTLET_KINDS},
            "description": OPTIONAL_STRING,
            "organisation": _ref("OrganisationRef"),
            "address": _object(
                {
                    "street": STRING,
                    "postcode": STRING,
                    "town": STRING,
                    "state": OPTIONAL_STRING,
                    "country": STRING,
                }
            ),
            "coordinates": _ref("Coordinates"),
            "opening_hours": {
                "type": ["string", "null"],
                "description": "OpenStreetMap opening_hours syntax; PH means the public holidays"
                " of the outlet's state.",
            },
            "open_now": {"type": ["boolean", "null"], "description": "null: no hours, or unknown now."},
            "opening_state": {"enum": ["open", "closed", "unknown", None]},
            "next_change": {
                "type": ["string", "null"],
                "format": "date-time",
                "description": "When open_now changes next (the region's local time), within 14 days.",
            },
            "holiday": {**OPTIONAL_STRING, "description": "Today's public holiday at the outlet, if any."},
            "website": OPTIONAL_STRING,
            "delivery_radius_km": {"type": ["integer", "null"]},
            "payment": _object(
                {"cash": {"type": "boolean"}, "card": {"type": "boolean"}, "mobile": {"type": "boolean"}}
            ),
            "accessibility": OPTIONAL_STRING,
            "products": {
                "type": "array",
                "items": _object(
                    {"id": ID, "name_de": STRING, "name_en": OPTIONAL_STRING, "url": OPTIONAL_URL}
                ),
            },
            "categories": {"type": "array", "items": _ref("Category")},
            "page_url": URL,
        }
    ),
    "Certificate": _object(
        {
            "number": STRING,
            "status": {"enum": CERTIFICATE_STATUSES},
            "valid_from": {"type": "string", "format": "date"},
            "valid_until": {"type": "string", "format": "date"},
            "url": URL,
            "holder": _ref("OrganisationRef"),
            "body": _object({"id": ID, "name": STRING}),
            "page_url": URL,
            "products": {
                "type": "array",
                "items": _object({"id": ID, "name_de": STRING, "name_en": OPTIONAL_STRING}),
            },
        }
    ),
}
PRICE = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "description": "Euros incl. VAT, e.g. 2.49."}
SCHEMAS["Offer"] = _object(
    {
        "id": ID,
        "product": _object({"id": ID, "name_de": STRING, "name_en": OPTIONAL_STRING}),
        "outlet": _object({"id": ID, "name": STRING, "town": STRING, "url": URL}),
        "price": {**PRICE, "description": "Per sales unit (by weight: per kg or litre), incl. VAT."},
        "currency": {"const": "EUR"},
        "vat_percent": {"enum": [7, 19]},
        "unit": {"enum": ["piece", "pack", "weight"], "description": "How the product is sold."},
        "pack_size": {"type": ["integer", "null"], "description": "Pieces in a pack (unit pack only)."},
        "measure": {"enum": ["kg", "l", None], "description": "What a price by weight is per."},
        "estimated_amount": {
            "type": ["integer", "null"],
            "description": "By weight: grams (or millilitres) of one unit ordered, about.",
        },
        "unit_price": {
            **_nullable(_object({"price": PRICE, "per": {"enum": ["kg", "l"]}})),
            "description": "The price per kg or litre (Preisangabenverordnung); null where the product"
            " names no weight or volume.",
        },
        "quantity_per_date": {
            "type": ["integer", "null"],
            "description": "Units offered per pick-up date; null: unlimited.",
        },
        "order_deadline": _object(
            {
                "days_before": {"type": "integer", "minimum": 0, "maximum": 14},
                "time": {"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"},
            }
        ),
        "shop_url": {**URL, "description": "The buyer's shop page of the outlet, with the product chosen."},
    }
)
SCHEMAS["ProductDetail"] = copy.deepcopy(SCHEMAS["Product"])
SCHEMAS["ProductDetail"]["properties"]["batches"] = {"type": "array", "items": _ref("Batch")}
SCHEMAS["ProductDetail"]["properties"]["offers"] = {
    "type": "array",
    "items": _ref("Offer"),
    "description": "Where the product can be pre-ordered for pick-up now (offers, never orders).",
}
SCHEMAS["ProductDetail"]["required"] += ["batches", "offers"]
SCHEMAS["OrganisationDetail"] = copy.deepcopy(SCHEMAS["Organisation"])
SCHEMAS["OrganisationDetail"]["properties"]["outlets"] = {"type": "array", "items": _ref("OutletRef")}
SCHEMAS["OrganisationDetail"]["required"].append("outlets")
SCHEMAS["SearchHit"] = copy.deepcopy(SCHEMAS["Outlet"])
SCHEMAS["SearchHit"]["properties"]["km"] = {
    "type": ["number", "null"],
    "description": "Distance from the centre in km (null without a place).",
}
SCHEMAS["SearchHit"]["required"].append("km")
SCHEMAS["SearchResult"] = _object(
    {
        "items": {"type": "array", "items": _ref("SearchHit"), "maxItems": finder.PAGE_SIZE},
        "page": {"type": "integer", "minimum": 1},
        "per_page": {"const": finder.PAGE_SIZE},
        "total": {"type": "integer", "minimum": 0},
        "centre": _nullable(
            _object(
                {
                    "name": STRING,
                    "lat": {"type": "number", "minimum": -90, "maximum": 90},
                    "lon": {"type": "number", "minimum": -180, "maximum": 180},
                }
            )
        ),
        "radius_km": {
            "type": ["integer", "null"],
            "minimum": finder.RADIUS_KM[0],
            "maximum": finder.RADIUS_KM[1],
        },
        "links": _ref("Links"),
    }
)
SCHEMAS["ProductHit"] = copy.deepcopy(SCHEMAS["Product"])
SCHEMAS["ProductHit"]["properties"]["km"] = {
    "type": ["number", "null"],
    "description": "With the search: distance to the producer in km (null without a place).",
}
for _name in ("Product", "Organisation", "Outlet", "Certificate", "Offer"):
    SCHEMAS[f"{_name}List"] = _object(
        {
            "items": {"type": "array", "items": _ref(_name), "maxItems": 100},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
            "total": {"type": "integer", "minimum": 0},
            "links": _ref("Links"),
        }
    )
# With the search's parameters, the list says where it measured from and in which order.
SCHEMAS["ProductList"]["properties"] |= {
    "items": {"type": "array", "items": _ref("ProductHit"), "maxItems": 100},
    "centre": SCHEMAS["SearchResult"]["properties"]["centre"],
    "radius_km": SCHEMAS["SearchResult"]["properties"]["radius_km"],
    "sort": {"enum": list(product_search.SORTS)},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


RESPONSES = {
    "BadRequest": _error("A parameter is unknown or has a bad value; the message says which."),
    "NotFound": _error("No public entry with this id."),
    "TooManyRequests": _error("Rate limit reached; try again after Retry-After seconds."),
}

PARAMETERS = {
    "lang": {
        "name": "lang",
        "in": "query",
        "description": "Language of messages and labels (else Accept-Language, else German).",
        "schema": {"enum": ["de", "en"]},
    },
    "page": {
        "name": "page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1},
    },
    "per_page": {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
    },
    "category": {
        "name": "category",
        "in": "query",
        "schema": {"enum": []},
        "description": "A category slug.",
    },
    "state": {
        "name": "state",
        "in": "query",
        "description": "Outlets in this state of the region (the suffix of its ISO 3166-2 code).",
        "schema": {"enum": []},
    },
    "district": {
        "name": "district",
        "in": "query",
        "description": "Landkreis, kreisfreie Stadt or a city's Bezirk of the organisation, exact spelling.",
        "schema": {"type": "string", "maxLength": 80, "pattern": SINGLE_LINE_PATTERN},
    },
    "organisation": {"name": "organisation", "in": "query", "schema": ID},
    "certificate_status": {"name": "status", "in": "query", "schema": {"enum": CERTIFICATE_STATUSES}},
    "q": {
        "name": "q",
        "in": "query",
        "description": "Free text (German): every word must match, inside words too (Käse finds Ziegenkäse).",
        "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH, "pattern": SINGLE_LINE_PATTERN},
    },
    "lat": {"name": "lat", "in": "query", "schema": {"type": "number", "minimum": -90, "maximum": 90}},
    "lon": {"name": "lon", "in": "query", "schema": {"type": "number", "minimum": -180, "maximum": 180}},
    "radius": {
        "name": "radius",
        "in": "query",
        "description": "Kilometres around the place or position.",
        "schema": {
            "type": "integer",
            "minimum": finder.RADIUS_KM[0],
            "maximum": finder.RADIUS_KM[1],
            "default": finder.DEFAULT_RADIUS_KM,
        },
    },
}
# The product catalogue's search on /products (`discover.search`): with any of these parameters the
# list holds the products certified today that match, each with its distance to the producer.
PRODUCT_SEARCH_PARAMETERS = [
    {"$ref": "#/components/parameters/q"},
    {
        "name": "near",
        "in": "query",
        "description": "A place name or postcode; distances are measured to the producer's address.",
        "schema": {"type": "string", "maxLength": finder.MAX_PLACE_LENGTH, "pattern": SINGLE_LINE_PATTERN},
    },
    {
        "name": "criteria",
        "in": "query",
        "description": "What the product must meet (repeat the parameter).",
        "schema": {"type": "array", "items": {"enum": list(product_search.CRITERIA)}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "free_of",
        "in": "query",
        "description": (
            "Only products whose allergens were recorded and that carry none of these, neither contained"
            " nor as traces (repeat the parameter)."
        ),
        "schema": {"type": "array", "items": {"enum": list(product_search.ALLERGENS)}},
        "style": "form",
        "explode": True,
    },
    {
        "name": "husbandry",
        "in": "query",
        "description": "Haltungsform at least this level.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 5},
    },
    {
        "name": "regional",
        "in": "query",
        "description": "Regional share of the raw materials at least this percentage.",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
    {
        "name": "sort",
        "in": "query",
        "description": "distance (the default with a place) or name.",
        "schema": {"enum": list(product_search.SORTS)},
    },
]


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _list(summary: str, schema: str, parameters: list, tag: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"list{schema}s",
            "tags": [tag],
            "parameters": [_param("lang"), _param("page"), _param("per_page"), *parameters],
            "responses": {
                "200": {
                    "description": "One page of the list.",
                    "content": {"application/json": {"schema": _ref(f"{schema}List")}},
                },
                "400": {"$ref": "#/components/responses/BadRequest"},
                "429": {"$ref": "#/components/responses/TooManyRequests"},
            },
        }
    }


def _detail(summary: str, schema: str, name: str, id_schema: dict, tag: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "operationId": f"get{schema}",
            "tags": [tag],
            "parameters": [
                _param("lang"),
                {"name": name, "in": "path", "required": True, "schema": id_schema},
            ],
            "responses": {
                "200": {"description": summary, "content": {"application/json": {"schema": _ref(schema)}}},
                "400": {"$ref": "#/components/responses/BadRequest"},
                "404": {"$ref": "#/components/responses/NotFound"},
                "429": {"$ref": "#/components/responses/TooManyRequests"},
            },
        }
    }


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "{label} public API",
        "version": VERSION,
        "description": (
            "Read-only data of the regional label {label} ({region}): certified products, "
            "licensed organisations and their certificates, and the outlets where shoppers buy. No "
            "authentication; CORS open to all origins; rate-limited per client; responses may be cached "
            "for 60 seconds. Organisations, products and certificates appear only for organisations with "
            "a current licence; outlets as on the public outlet pages."
        ),
        "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    },
    "servers": [],
    "paths": {
        "/api/v1/products": _list(
            "Certified products (the public register)",
            "Product",
            [
                _param("category"),
                _param("district"),
                _param("organisation"),
                _param("certificate_status"),
                *[_param(name) for name in ("lat", "lon", "radius")],
                *PRODUCT_SEARCH_PARAMETERS,
            ],
            "products",
        ),
        "/api/v1/products/{product_id}": _detail(
            "A certified product", "ProductDetail", "product_id", ID, "products"
        ),
        "/api/v1/organisations": _list(
            "Licensed organisations",
            "Organisation",
            [
                {"name": "kind", "in": "query", "schema": {"enum": ORG_KINDS}},
                _param("district"),
            ],
            "organisations",
        ),
        "/api/v1/organisations/{organisation_id}": _detail(
            "A licensed organisation", "OrganisationDetail", "organisation_id", ID, "organisations"
        ),
        "/api/v1/outlets": _list(
            "Outlets (every one a shopper can visit, as on the public outlet pages)",
            "Outlet",
            [
                {
                    "name": "kind",
                    "in": "query",
                    "description": "One or more outlet kinds (repeat the parameter).",
                    "schema": {"type": "array", "items": {"enum": OUTLET_KINDS}},
                    "style": "form",
                    "explode": True,
                },
                _param("category"),
                _param("organisation"),
                _param("state"),
            ],
            "outlets",
        ),
        "/api/v1/outlets/{outlet_id}": _detail("An outlet", "Outlet", "outlet_id", ID, "outlets"),
        "/api/v1/outlets/{outlet_id}/offers": {
            "get": {
                "summary": "What can be pre-ordered at an outlet",
                "description": (
                    "The active offers of active products at the outlet (offers, never orders), by product "
                    "name; each links the buyer's shop page. An outlet without opening hours or archived "
                    "has none."
                ),
                "operationId": "listOutletOffers",
                "tags": ["outlets"],
                "parameters": [
                    _param("lang"),
                    _param("page"),
                    _param("per_page"),
                    {"name": "outlet_id", "in": "path", "required": True, "schema": ID},
                ],
                "responses": {
                    "200": {
                        "description": "One page of the outlet's offers.",
                        "content": {"application/json": {"schema": _ref("OfferList")}},
                    },
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "404": {"$ref": "#/components/responses/NotFound"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            }
        },
        "/api/v1/search": {
            "get": {
                "summary": "Where to buy near a place (the consumer finder)",
                "description": (
                    "The same parameters and results as the public finder page /outlets/: nearest first "
                    "when a place or a position is given, 20 per page. An unknown, ambiguous or far "
                    "place, or lat without lon, is a 400 with a sentence saying so."
                ),
                "operationId": "search",
                "tags": ["outlets"],
                "parameters": [
                    _param("lang"),
                    _param("q"),
                    {
                        "name": "where",
                        "in": "query",
                        "description": (
                            "A place name or postcode; a name means the place in or near the region "
                            "(Frankfurt is Frankfurt (Oder)) and may be told apart after a comma by a "
                            "state, postcode or town nearby (Golzow, Seelow). A name of several places "
                            "alike, or a place beyond the largest radius from the region, is a 400 whose "
                            "message names the choices or says how far outside it lies."
                        ),
                        "schema": {
                            "type": "string",
                            "maxLength": finder.MAX_PLACE_LENGTH,
                            "pattern": SINGLE_LINE_PATTERN,
                        },
                    },
                    _param("lat"),
                    _param("lon"),
                    _param("radius"),
                    {
                        "name": "kind",
                        "in": "query",
                        "schema": {"type": "array", "items": {"enum": OUTLET_KINDS}},
                        "style": "form",
                        "explode": True,
                    },
                    _param("category"),
                    {
                        "name": "criteria",
                        "in": "query",
                        "description": "What the products sold must meet (repeat the parameter).",
                        "schema": {"type": "array", "items": {"enum": list(finder.CRITERIA)}},
                        "style": "form",
                        "explode": True,
                    },
                    {
                        "name": "open",
                        "in": "query",
                        "description": "1: open now only.",
                        "schema": {"enum": ["1"]},
                    },
                    {
                        "name": "preorder",
                        "in": "query",
                        "description": "1: only outlets where something can be pre-ordered for pick-up.",
                        "schema": {"enum": ["1"]},
                    },
                    {
                        "name": "page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": finder.MAX_PAGE, "default": 1},
                    },
                ],
                "responses": {
                    "200": {
                        "description": "One page of outlets.",
                        "content": {"application/json": {"schema": _ref("SearchResult")}},
                    },
                    "400": {"$ref": "#/components/responses/BadRequest"},
                    "429": {"$ref": "#/components/responses/TooManyRequests"},
                },
            }
        },
        "/api/v1/certificates": _list(
            "Certificates of licensed organisations",
            "Certificate",
            [_param("certificate_status"), _param("organisation")],
            "certificates",
        ),
        "/api/v1/certificates/{number}": _detail(
            "A certificate by its number",
            "Certificate",
            "number",
            {
                "type": "string",
                "maxLength": 20,
                "pattern": SINGLE_LINE_PATTERN,
                "examples": ["VH-2026-000001"],
            },
            "certificates",
        ),
    },
    "components": {"schemas": SCHEMAS, "responses": RESPONSES, "parameters": PARAMETERS},
}


def document(base_url: str, category_slugs: list[str], state_codes: list[str]) -> dict:
    found = copy.deepcopy(DOCUMENT)
    found["servers"] = [{"url": base_url}]
    pack = region.pack()
    for key in ("title", "description"):
        found["info"][key] = found["info"][key].format(label=pack.label["name"], region=pack.name("en"))
    found["components"]["parameters"]["category"]["schema"]["enum"] = category_slugs
    found["components"]["parameters"]["state"]["schema"]["enum"] = state_codes
    return found
