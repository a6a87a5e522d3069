"""Where an ingredient comes from, as a member types it into the product form: one text for the three
kinds of origin. An own site by its name ("Hof Sonnenwiese"), a registered supplier's site as
"Organisation / Site", a place by its name or postcode, or a country ("Dänemark").

`Origins.resolve` turns a text into an origin, or refuses with a sentence saying what the text could
mean; `Origins.text_of` writes a stored origin so that it resolves back to itself; `suggest` answers
the form's search field. The CSV file's prefixes (`site:`, `supplier:`, `place:`) are understood too,
and `place:` (in German "Ort:") names a place the gazetteer does not know ("Ort: Uckermark")."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from ..database import german
from ..errors import RuleError
from ..extensions import db
from ..geo import gazetteer
from ..geo.places import best_place, candidate_places, countries_starting, country_named
from ..organisations.models import Organisation
from .models import Ingredient, OriginKind, Site

PLACE_WORDS = ("place", "ort")  # "place:" as in the CSV file, "Ort:" as the German page writes it
SUGGESTIONS = 10
NEAR_MISSES = 5


class OriginError(RuleError):
    """A typed origin that names nothing we know, or several things."""


@dataclass(frozen=True)
class Origin:
    kind: OriginKind
    site: Site | None = None
    place_name: str = ""

    def row(self) -> dict:
        """The origin as a product input's ingredient row gives it (see product_input.py)."""
        return {
            "origin_kind": OriginKind.PLACE if self.kind == OriginKind.PLACE else None,
            "origin_site_id": self.site.id if self.site else None,
            "place_name": self.place_name,
        }


def _key(text: str) -> str:
    """A name as compared: case and spacing ignored, "A/B" as "A / B"."""
    return " / ".join(" ".join(part.split()) for part in text.split("/")).casefold()


def _pair(site: Site) -> str:
    return f"{site.organisation.display_name} / {site.name}"


def _quoted(text: str) -> str:
    return _("“%(text)s”", text=text)


def origin_of(ingredient: Ingredient) -> Origin:
    """The stored origin of an ingredient."""
    if ingredient.origin_kind == OriginKind.PLACE or ingredient.origin_site is None:
        return Origin(OriginKind.PLACE, place_name=ingredient.place_name or "")
    return Origin(ingredient.origin_kind, site=ingredient.origin_site)


class Origins:
    """Resolves typed origins against the organisation's own active sites and the other organisations'
    active sites (registered suppliers), and the gazetteer."""

    def __init__(self, own_sites: list[Site], other_sites: list[Site]):
        self.own: dict[str, list[Site]] = {}
        self.pairs: dict[str, list[Site]] = {}
        self.supplier_names: dict[str, list[Site]] = {}
        for site in own_sites:
            self.own.setdefault(_key(site.name), []).append(site)
            self.pairs.setdefault(_key(_pair(site)), []).append(site)
        for site in other_sites:
            self.pairs.setdefault(_key(_pair(site)), []).append(site)
            self.supplier_names.setdefault(_key(site.name), []).append(site)
        self.own_ids = {site.id for site in own_sites}

    def _site(self, site: Site) -> Origin:
        kind = OriginKind.OWN_SITE if site.id in self.own_ids else OriginKind.SUPPLIER_SITE
        return Origin(kind, site=site)

    def _one(self, sites: list[Site] | None, text: str) -> Origin:
        if not sites:
            raise OriginError(_("No active site called “%(site)s”.", site=text))
        if len(sites) > 1:
            raise OriginError(_("Several sites are called “%(site)s”; please rename one.", site=text))
        return self._site(sites[0])

    def resolve(self, text: str) -> Origin:
        """The origin `text` names, or an OriginError saying what it could mean."""
        text = " ".join((text or "").split())
        if not text:
            raise OriginError(_("Please choose where the ingredient comes from."))
        word, colon, rest = text.partition(":")
        word, rest = word.strip().casefold(), rest.strip()
        if colon and rest and word in PLACE_WORDS:
            return Origin(OriginKind.PLACE, place_name=rest)
        if colon and rest and word == "site":
            return self._one(self.own.get(_key(rest)), rest)
        if colon and rest and word == "supplier":
            return self._one(self.pairs.get(_key(rest)), rest)
        if "/" in text and _key(text) in self.pairs:
            return self._one(self.pairs[_key(text)], text)
        if _key(text) in self.own:
            return self._one(self.own[_key(text)], text)
        meanings = self._meanings(text)
        if len(meanings) == 1:
            return meanings[0]
        if not meanings:
            raise OriginError(self._unknown(text))
        options = ", ".join(_quoted(self._unambiguous(m)) for m in meanings)
        raise OriginError(
            _(
                "“%(text)s” could mean several things. Please write one of them: %(options)s.",
                text=text,
                options=options,
            )
        )

    def _meanings(self, text: str) -> list[Origin]:
        """What a text that is neither an own site nor "Organisation / Site" may mean."""
        meanings = [self._site(site) for site in self.supplier_names.get(_key(text), [])]
        if towns := gazetteer.postcode_towns(text):
            names = dict.fromkeys(town.name for town in towns)
            return meanings + [Origin(OriginKind.PLACE, place_name=name) for name in names]
        if place := best_place(text) or best_place(text, country=None):
            meanings.append(Origin(OriginKind.PLACE, place_name=place.name))
        elif country := country_named(text):
            meanings.append(Origin(OriginKind.PLACE, place_name=country))
        return meanings

    def _unknown(self, text: str) -> str:
        example = _("Place: %(name)s", name=text)
        near = self._near(text)
        if near:
            return _(
                "We know no site, supplier or place called “%(text)s”. Did you mean %(options)s? "
                "A place we cannot find on the map can be written as “%(example)s”.",
                text=text,
                options=", ".join(_quoted(n) for n in near),
                example=example,
            )
        return _(
            "We know no site, supplier or place called “%(text)s”. Please type one of your sites, a "
            "supplier as “Organisation / Site”, a town, a postcode or a country. A place we cannot "
            "find on the map can be written as “%(example)s”.",
            text=text,
            example=example,
        )

    def _near(self, text: str) -> list[str]:
        """Texts that resolve, close to `text`: sites containing it, places and countries starting so."""
        key = _key(text)
        near = [sites[0].name for name, sites in self.own.items() if key in name]
        near += [
            _pair(sites[0])
            for pair, sites in self.pairs.items()
            if key in pair and sites[0].id not in self.own_ids
        ]
        near += [place.name for place in candidate_places(text, prefix=True)]
        near += countries_starting(text)
        return list(dict.fromkeys(near))[:NEAR_MISSES]

    def _site_text(self, site: Site) -> str:
        return site.name if site.id in self.own_ids else _pair(site)

    def _unambiguous(self, origin: Origin) -> str:
        """How to write one of several meanings of a text so that it means only that."""
        if origin.site is not None:
            return self._site_text(origin.site)
        if _key(origin.place_name) in self.own or _key(origin.place_name) in self.supplier_names:
            return _("Place: %(name)s", name=origin.place_name)
        return origin.place_name

    def text_of(self, origin: Origin) -> str:
        """The text that shows `origin` in the form and resolves back to it."""
        plain = self._site_text(origin.site) if origin.site is not None else origin.place_name
        try:
            if self.resolve(plain) == origin:
                return plain
        except OriginError:
            pass
        if origin.site is None:
            return _("Place: %(name)s", name=origin.place_name)
        return plain  # an archived site, or one named twice: saving says so


# --- suggestions while typing -------------------------------------------------------------------------


def suggest(organisation_id: int, query: str) -> list[dict]:
    """At most SUGGESTIONS origins for the search field, each as the text that resolves to it (as
    `Origins.resolve` reads it), its kind and a translated detail: own sites first, then suppliers'
    sites, then places and countries."""
    query = " ".join(query.split())
    needle = query.casefold()
    statement = (
        select(Site)
        .join(Site.organisation)
        .where(
            Site.archived_at.is_(None),
            or_(
                func.lower(Site.name).contains(needle, autoescape=True),
                func.lower(Site.town).contains(needle, autoescape=True),
                func.lower(Organisation.display_name).contains(needle, autoescape=True),
            ),
        )
        .order_by(
            Site.organisation_id != organisation_id, german(Organisation.display_name), german(Site.name)
        )
        .limit(SUGGESTIONS // 2 + 1)
    )
    found = []
    for site in db.session.scalars(statement):
        if site.organisation_id == organisation_id:
            found.append(
                {
                    "text": site.name,
                    "kind": OriginKind.OWN_SITE,
                    "detail": _("Our site, %(town)s", town=site.town),
                }
            )
        else:
            detail = _("Registered supplier, %(town)s", town=site.town)
            found.append({"text": _pair(site), "kind": OriginKind.SUPPLIER_SITE, "detail": detail})
    places = gazetteer.postcode_towns(query) or candidate_places(query, prefix=True)
    room = SUGGESTIONS - len(found)
    named = [(p.name, _("Place, %(region)s", region=p.state or p.country)) for p in places]
    named += [(name, _("Country or region")) for name in countries_starting(query, limit=3)]
    # What was typed in full comes first: "Deutschland" before "Deutsch Evern", which starts the same.
    named = sorted(dict.fromkeys(named), key=lambda item: item[0].casefold() != needle)[:room]
    clash = _site_names([name for name, _detail in named])
    for name, detail in named:
        text = _("Place: %(name)s", name=name) if name.casefold() in clash else name
        found.append({"text": text, "kind": OriginKind.PLACE, "detail": detail})
    return found


def _site_names(names: list[str]) -> set[str]:
    """Which of `names` (case ignored) are also names of active sites: typed plainly they would mean the
    site, so their places are suggested as "Place: NAME"."""
    if not names:
        return set()
    lowered = [name.casefold() for name in names]
    statement = select(func.lower(Site.name)).where(
        Site.archived_at.is_(None), func.lower(Site.name).in_(lowered)
    )
    return set(db.session.scalars(statement))
