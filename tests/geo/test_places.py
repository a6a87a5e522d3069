"""The place a shopper types into a search (`geo.places.resolve_place`): the region's places first,
ambiguous names as choices, places far outside said so."""

import pytest

from vonhier.arguments import Refused
from vonhier.geo.places import AmbiguousPlace, resolve_place


@pytest.fixture
def resolve(app):
    def resolve(text, lang="de", **options):
        with app.test_request_context(f"/?lang={lang}"):
            return resolve_place(text, **options)

    return resolve


def refusal(resolve, text, **options) -> str:
    with pytest.raises(Refused) as refused:
        resolve(text, **options)
    return refused.value.description


@pytest.mark.parametrize(
    ("typed", "name", "state"),
    [
        ("Frankfurt", "Frankfurt (Oder)", "BB"),  # not Frankfurt am Main, ten times its size
        ("frankfurt", "Frankfurt (Oder)", "BB"),
        ("Brandenburg", "Brandenburg an der Havel", "BB"),  # the town, not the state
        ("Schöneberg", "Schöneberg", "BE"),  # Berlin's, clearly bigger than Brandenburg's village
        ("Eber", "Eberswalde", "BB"),  # a prefix only when no name is exact
        ("  Frankfurt   (Oder) ", "Frankfurt (Oder)", "BB"),
        ("Falkenberg, Berlin", "Falkenberg", "BE"),  # told apart by its state
        ("Golzow, Seelow", "Golzow", "BB"),  # told apart by a town near it
        ("Frankfurt, 15230", "Frankfurt (Oder)", "BB"),  # or by a postcode
    ],
)
def test_a_name_means_the_place_in_the_region(resolve, typed, name, state):
    place = resolve(typed)
    assert (place.name, place.state) == (name, state)


def test_a_postcode_means_its_town(resolve):
    place = resolve("15230")
    assert place.name == "15230 Frankfurt (Oder)" and abs(place.latitude - 52.347) < 0.01
    assert "Postleitzahl 99999" in refusal(resolve, "99999")


def test_an_ambiguous_name_offers_choices_each_meaning_one_place(resolve):
    with pytest.raises(AmbiguousPlace) as ambiguous:
        resolve("Golzow")
    choices = ambiguous.value.choices
    assert len(choices) == 3 and {choice.name for choice in choices} == {"Golzow"}
    # What tells them apart, and a text that means that one alone.
    assert {choice.detail for choice in choices} == {
        "bei Seelow, Brandenburg",
        "bei Eberswalde, Brandenburg",
        "bei Bad Belzig, Brandenburg",
    }
    places = {(resolve(choice.text).latitude, resolve(choice.text).longitude) for choice in choices}
    assert len(places) == 3
    assert "„Golzow“ kann mehrere Orte meinen: Golzow, " in ambiguous.value.description


def test_choices_in_different_states_are_told_apart_by_the_state(resolve):
    with pytest.raises(AmbiguousPlace) as ambiguous:
        resolve("Blankenfelde", lang="en")
    assert sorted((c.detail, c.text) for c in ambiguous.value.choices) == [
        ("Berlin", "Blankenfelde, Berlin"),
        ("Brandenburg", "Blankenfelde, Brandenburg"),
    ]


@pytest.mark.parametrize(
    ("typed", "lang", "message"),
    [
        ("München", "de", "München liegt rund 380 km außerhalb der Region."),
        ("80331", "de", "80331 München liegt rund 380 km außerhalb der Region."),
        ("Frankfurt am Main", "de", "Frankfurt am Main liegt rund 380 km außerhalb der Region."),
        ("Frankfurt, Hessen", "en", "Frankfurt am Main lies about 380 km outside the region."),
    ],
)
def test_a_place_far_outside_says_so(resolve, typed, lang, message):
    assert message in refusal(resolve, typed, lang=lang, reach_km=100)


def test_a_place_within_reach_of_the_region_is_found(resolve):
    # Leipzig is about 40 km outside: a search of 100 km reaches the region from there, of 30 km not.
    assert resolve("Leipzig", reach_km=100).name == "Leipzig"
    assert "außerhalb der Region" in refusal(resolve, "Leipzig")
    assert resolve("Słubice").country == "PL"  # across the Oder from Frankfurt


@pytest.mark.parametrize(
    "typed",
    ["", "   ", ",", ",,,", "Atlantis", "Frankfurt, Atlantis", "%", "_", "' OR 1=1 --", "x" * 80, "Ber%lin"],
)
def test_hostile_or_unknown_input_is_refused_with_a_sentence(resolve, typed):
    message = refusal(resolve, typed)
    assert "Ort" in message or "Postleitzahl" in message
