"""Why a search found nothing, and what would find something: the one explanation every search page
gives for zero results (the consumer finder, the product catalogue, the supplier search).

A search names its active filters, each a `Filter`: a key its own `count` and `link` functions
understand, and what the page calls it — or, for a wider radius to try, the radius. `explain` counts
the search without each filter in turn (only when the result was empty: one count per filter, and
one per wider radius until one finds something) and returns what the page shows: each single filter
whose removal gives results ("Ohne den Filter „Bio“ gäbe es 3 Treffer — Filter entfernen"), the
smallest of the wider radii that does ("Im Umkreis von 50 km gäbe es 7 Treffer — Umkreis
erweitern"), or, when no single filter is to blame, the search without all of them. A page calls it
like this::

    filters = [Filter("organic", _("organic")), Filter("radius:50", radius_km=50), …]
    hints = explain(filters, count=lambda dropped: …, link=lambda dropped: url_for(…))

`dropped` is the frozenset of keys left out (or, for a radius, applied): `count` runs the search's
count with them, `link` is the address of that search.
"""

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext


@dataclass(frozen=True)
class Filter:
    """An active filter of a search (`label`), or a wider radius to try instead of its own (`radius_km`)."""

    key: Hashable
    label: str = ""
    radius_km: int | None = None


@dataclass(frozen=True)
class Hint:
    """What a page with zero results shows: the sentence, the link's text and the link."""

    sentence: str
    action: str
    url: str


Keys = frozenset


def explain(
    filters: Sequence[Filter], count: Callable[[Keys], int], link: Callable[[Keys], str]
) -> list[Hint]:
    """The hints for a search that found nothing (see the module's docstring); [] when neither
    dropping its filters nor a wider radius would find anything."""
    plain = [f for f in filters if f.radius_km is None]
    without = [(each, Keys({each.key})) for each in plain]
    hints = [
        Hint(
            ngettext(
                "Without the filter “%(filter)s” there would be %(num)d result",
                "Without the filter “%(filter)s” there would be %(num)d results",
                found,
                filter=each.label,
            ),
            _("Remove the filter"),
            link(dropped),
        )
        for each, dropped in without
        if (found := count(dropped))
    ]
    # The smallest wider radius that finds something; the wider ones are not counted then.
    for wider in sorted((f for f in filters if f.radius_km is not None), key=lambda f: f.radius_km):
        if found := count(Keys({wider.key})):
            sentence = ngettext(
                "Within %(km)d km there would be %(num)d result",
                "Within %(km)d km there would be %(num)d results",
                found,
                km=wider.radius_km,
            )
            hints.append(Hint(sentence, _("Widen the radius"), link(Keys({wider.key}))))
            break
    everything = Keys(f.key for f in plain)
    if not hints and len(plain) > 1 and (found := count(everything)):
        sentence = ngettext(
            "Without any filter there would be %(num)d result",
            "Without any filter there would be %(num)d results",
            found,
        )
        hints.append(Hint(sentence, _("Remove all filters"), link(everything)))
    return hints
