"""`zero_results.explain`: which filter removed the last candidates, with counts only as needed."""

from vonhier.zero_results import Filter, explain

# A made-up search: each key is what a filter lets through; a radius filter what lies within it.
ITEMS = {
    "organic": {1},
    "open": {3},
    "kind": {2},
    ("radius", 50): {1, 2, 3, 4},
    ("radius", 100): {1, 2, 3, 4, 5},
}
WITHIN_25 = {1, 2, 3}


def search(active):
    asked = []

    def count(dropped):
        asked.append(dropped)
        radius = [key for key in dropped if isinstance(key, tuple)]
        found = set(ITEMS[radius[0]]) if radius else set(WITHIN_25)
        for key in active:
            if key not in dropped:
                found &= ITEMS[key]
        return len(found)

    def link(dropped):
        return "?" + "&".join(sorted(str(key) for key in dropped))

    return count, link, asked


def hints(app, active, radii=((("radius", 50), 50), (("radius", 100), 100))):
    count, link, asked = search(active)
    filters = [Filter(key, key.title()) for key in active]
    filters += [Filter(key, radius_km=km) for key, km in radii]
    with app.test_request_context("/?lang=de"):
        found = explain(filters, count, link)
    return [(hint.sentence, hint.action, hint.url) for hint in found], asked


def test_each_filter_whose_removal_finds_something(app):
    found, asked = hints(app, ["organic", "open"], radii=())
    assert found == [
        ("Ohne den Filter „Organic“ gäbe es 1 Treffer", "Filter entfernen", "?organic"),
        ("Ohne den Filter „Open“ gäbe es 1 Treffer", "Filter entfernen", "?open"),
    ]
    assert len(asked) == 2  # one count per filter


def test_all_filters_when_no_single_one_is_to_blame(app):
    # Any two of the three filters exclude everything, at any radius.
    found, asked = hints(app, ["organic", "open", "kind"])
    assert found == [("Ohne alle Filter gäbe es 3 Treffer", "Alle Filter entfernen", "?kind&open&organic")]
    assert len(asked) == 3 + 2 + 1


def test_the_smallest_wider_radius_that_finds_something(app):
    found, asked = hints(app, [])
    assert found == [("Im Umkreis von 50 km gäbe es 4 Treffer", "Umkreis erweitern", "?('radius', 50)")]
    assert len(asked) == 1  # the first radius found something: the wider one is not counted


def test_nothing_to_offer(app):
    count, link, _asked = search([])
    with app.test_request_context("/?lang=en"):
        assert explain([], lambda dropped: 0, link) == []
        only = explain([Filter("open", "Open now")], lambda dropped: 0, link)
    assert only == []
