"""Build `data/postcodes-de.csv` (postcode;town;state) from the countrystatecity postal code list (ODbL).

Run once when the list changes, and commit the file; the app reads the CSV, not the package:

    .venv/bin/pip install countrystatecity-postal-codes
    .venv/bin/python -m vonhier.geo.build_postcodes

The list has no coordinates: a postcode's centre is its town's centre in the gazetteer (see
`gazetteer.postcode`).
"""

import csv
import json
from importlib import resources

from ..region import ROOT

OUTPUT = ROOT / "data" / "postcodes-de.csv"


def main() -> None:
    source = (
        resources.files("countrystatecity_postal_codes") / "data" / "by-country" / "DE" / "postcodes.json"
    )
    rows = sorted(
        {
            (entry["code"], entry["localityName"], entry["stateCode"])
            for entry in json.loads(source.read_text())
        }
    )
    with OUTPUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        writer.writerow(["postcode", "town", "state"])
        writer.writerows(rows)
    print(f"{len(rows)} postcodes written to {OUTPUT}")


if __name__ == "__main__":
    main()
