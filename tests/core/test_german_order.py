"""Names sort as German readers expect (DIN 5007-1), in Python and in SQL on either database."""

import random

from sqlalchemy import select

from tests import factories
from vonhier.database import german, german_key
from vonhier.extensions import db
from vonhier.organisations import services as organisations
from vonhier.organisations.models import Organisation

# The order of PostgreSQL's ICU collation "de-x-icu" for these names (read off it).
EXPECTED = [
    "10 Eier",
    "9 Eier",
    "abc",
    "Abc",
    "ábc",
    "apfel",
    "Apfel",
    "Äpfel",
    "Apfelmus",
    "Ärger",
    "Bio-Eier",
    "Bioeier",
    "Hof & Garten",  # spaces, then punctuation and symbols in ICU's order, then digits, then letters
    "Hof 2",
    "Hof_1",
    "Hof-Laden",
    "Hof, Garten",
    "Hof's Käse",
    "Hofladen",
    "Hofladen „Zur Linde“",
    "Hofladen Am Markt",
    "Lukas",
    "Łukasz",
    "Obst",
    "Öl",
    "Ölmühle",
    "Strasse",
    "Straße",
    "Strassen",
    "Zwiebeln",
]


def test_the_python_key_sorts_like_a_german_dictionary():
    shuffled = EXPECTED[:]
    random.Random(5).shuffle(shuffled)
    assert sorted(shuffled, key=german_key) == EXPECTED
    assert sorted(["Zwiebeln", "Äpfel"]) == ["Zwiebeln", "Äpfel"]  # what plain order would do


def test_lists_from_the_database_come_in_the_same_order(app):
    shuffled = EXPECTED[:]
    random.Random(7).shuffle(shuffled)
    for name in shuffled:
        factories.organisation(app, display_name=name)
    with app.app_context():
        listed = [o.display_name for o in organisations.search(limit=100)]
        assert listed == EXPECTED
        # The SQL expression on its own, as every list uses it.
        ordered = db.session.scalars(
            select(Organisation.display_name).order_by(german(Organisation.display_name))
        ).all()
        assert ordered == EXPECTED
