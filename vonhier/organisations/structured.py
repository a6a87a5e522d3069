"""An organisation as schema.org data (JSON-LD): the `Organization` of its public profile, and the
reference other pages' data make to it (a product's producer, an outlet's operator). Both carry the same
`@id`, so that a search engine joins what each page says into one organisation."""

from ..geo.structured import postal_address
from ..web import external_url
from .models import Organisation


def reference(organisation: Organisation) -> dict:
    """The organisation as another page names it: who it is, where, and where its profile is."""
    url = external_url("organisations.profile", organisation_id=organisation.id)
    return {
        "@type": "Organization",
        "@id": url + "#organisation",
        "name": organisation.display_name,
        "url": url,
        "address": postal_address(organisation),
    }


def json_ld(organisation: Organisation, locale: str) -> dict:
    """The profile page's `Organization`: what the page shows of it, nothing more."""
    data = {"@context": "https://schema.org", **reference(organisation)}
    optional = {
        "legalName": organisation.legal_name,
        "description": organisation.description(locale),
        "telephone": organisation.phone,
        "email": organisation.email,
        "foundingDate": str(organisation.founding_year) if organisation.founding_year else "",
    }
    data.update({key: value for key, value in optional.items() if value})
    if organisation.logo:
        data["logo"] = external_url("media.image", name=organisation.logo)
    if organisation.website:
        data["sameAs"] = [organisation.website]
    return data
