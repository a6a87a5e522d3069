"""Free-text search over 100,000 generated product documents: p50/p95 of a few queries.

    .venv/bin/python bench/textsearch.py                         # SQLite, in a temporary file
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/vonhier_bench_test \
        .venv/bin/python bench/textsearch.py                     # PostgreSQL (the schema is rebuilt!)

In-process, no HTTP. Each query runs as a caller would: the first 20 ids of the ranked form, and the
number of matches. The baseline is the same page of ids from `products` without any text filter.
"""

import math
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from vonhier import create_app  # noqa: E402
from vonhier.extensions import db  # noqa: E402
from vonhier.search import services as search  # noqa: E402
from vonhier.search.models import SearchDocument  # noqa: E402

DOCUMENTS = int(os.environ.get("BENCH_DOCUMENTS", 100_000))
RUNS = int(os.environ.get("BENCH_RUNS", 30))
QUERIES = [
    "Käse",
    "kase",
    "Honig Uckermark",
    "apfel",
    "Ei",
    "Ziegenkäse Natur",
    "Bergkäse Barnim bio",
    "xyzzy",
]

FIRST = [
    "Ziegen",
    "Kuh",
    "Schaf",
    "Berg",
    "Wald",
    "Blüten",
    "Raps",
    "Apfel",
    "Birnen",
    "Kirsch",
    "Roggen",
    "Dinkel",
    "Kartoffel",
    "Spargel",
    "Sanddorn",
    "Holunder",
    "Linden",
    "Heide",
    "Weide",
    "Land",
]
SECOND = [
    "käse",
    "honig",
    "saft",
    "brot",
    "wurst",
    "schinken",
    "quark",
    "joghurt",
    "mehl",
    "nudeln",
    "senf",
    "essig",
    "öl",
    "bier",
    "likör",
    "marmelade",
    "eier",
    "butter",
    "sirup",
    "tee",
]
EXTRA = [
    "Natur",
    "bio",
    "mild",
    "würzig",
    "cremig",
    "naturtrüb",
    "geräuchert",
    "frisch",
    "gereift",
    "klassisch",
]
DISTRICTS = [
    "Uckermark",
    "Barnim",
    "Oberhavel",
    "Prignitz",
    "Havelland",
    "Märkisch-Oderland",
    "Oder-Spree",
    "Dahme-Spreewald",
    "Spree-Neiße",
    "Elbe-Elster",
    "Teltow-Fläming",
    "Potsdam-Mittelmark",
]
TOWNS = [
    "Angermünde",
    "Prenzlau",
    "Templin",
    "Eberswalde",
    "Bernau",
    "Oranienburg",
    "Perleberg",
    "Rathenow",
    "Seelow",
    "Beeskow",
    "Lübben",
    "Cottbus",
    "Herzberg",
    "Luckenwalde",
    "Bad Belzig",
]
WORDS = [
    "aus",
    "der",
    "Region",
    "frisch",
    "vom",
    "Hof",
    "handwerklich",
    "hergestellt",
    "nach",
    "altem",
    "Rezept",
    "mit",
    "Milch",
    "von",
    "unseren",
    "Tieren",
    "auf",
    "der",
    "Weide",
    "geerntet",
    "gereift",
    "abgefüllt",
    "ohne",
    "Zusatzstoffe",
    "schonend",
    "verarbeitet",
]


def documents(rng: random.Random):
    for ref_id in range(1, DOCUMENTS + 1):
        name = f"{rng.choice(FIRST)}{rng.choice(SECOND)} {rng.choice(EXTRA)}"
        yield (
            ref_id,
            {
                "name": [name, ""],
                "description": " ".join(rng.choices(WORDS, k=25)),
                "category": rng.choice(["Milch & Käse", "Honig", "Backwaren", "Getränke & Säfte", "Eier"]),
                "ingredients": [rng.choice(SECOND).capitalize() for _ in range(3)],
                "producer": [
                    f"Hof {rng.choice(FIRST)}{ref_id % 997}",
                    rng.choice(TOWNS),
                    rng.choice(DISTRICTS),
                ],
            },
        )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def timed(function) -> tuple[float, float]:
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return percentiles(samples)


def main() -> None:
    url = os.environ.get("DATABASE_URL")
    if url:
        name = urlsplit(url).path.lstrip("/")
        if "test" not in name and "bench" not in name:
            sys.exit(f"Refusing to rebuild database {name!r}: its name must contain 'test' or 'bench'.")
    else:
        scratch = tempfile.TemporaryDirectory(prefix="vonhier-bench-")  # removed at exit
        url = f"sqlite:///{scratch.name}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        start = time.perf_counter()
        search.index_many("product", documents(random.Random(7)))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # As autovacuum would soon: empty the GIN indexes' pending lists (a fresh bulk load leaves
            # them full, and every query then scans them: 8 ms instead of 0.1 ms for a miss).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE search_documents"))
        print(
            f"{db.engine.dialect.name}: indexed {DOCUMENTS} documents in {time.perf_counter() - start:.1f} s"
        )

        def baseline():
            db.session.scalars(
                select(SearchDocument.ref_id).where(SearchDocument.kind == "product").limit(20)
            ).all()

        p50, p95 = timed(baseline)
        print(f"{'baseline (first 20 ids, no text)':34} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")
        for query in QUERIES:
            count = db.session.scalar(
                select(func.count()).select_from(search.matching_ids("product", query).subquery())
            )

            def page(query=query):
                db.session.execute(search.ranked("product", query).limit(20)).all()

            def counting(query=query):
                db.session.scalar(
                    select(func.count()).select_from(search.matching_ids("product", query).subquery())
                )

            p50, p95 = timed(page)
            c50, c95 = timed(counting)
            print(
                f"{query!r:34} {count:6d} hits  page of 20: p50 {p50:7.2f} ms  p95 {p95:7.2f} ms"
                f"  count: p50 {c50:7.2f} ms  p95 {c95:7.2f} ms"
            )
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()
